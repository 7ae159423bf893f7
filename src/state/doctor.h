// What `kubeiam doctor` finds in a cluster's access state: access entries whose principal was
// deleted or recreated (its ID no longer the one recorded), aws-auth rows an access entry
// shadows, sources the authentication mode ignores, entries that grant nothing, groups no binding
// names, and the lock-out risks `lint` finds in aws-auth. Pure: the caller reads the state and
// says how to look a principal's current ID up.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "identity/aws_auth.h"
#include "rbac/authorizer.h"
#include "state/snapshot.h"

namespace kubeiam::state {

struct DoctorFinding {
  std::string about;  // "access entry arn:...", "kube-system/aws-auth:7", "group devs"
  bool error = false;
  std::string message, fix;
};

// A principal's current unique ID (AIDA.../AROA...), nullopt when IAM has no such principal, an
// error when it cannot be told: kPermissionDenied for this principal alone (another account),
// any other for all of them (no credentials): the check then stops, saying why.
using PrincipalIdLookup = std::function<Result<std::optional<std::string>>(const std::string& arn)>;

struct DoctorInput {
  const Snapshot& mappings;                 // access entries and the mode; the chain's other tables
  std::optional<std::string> aws_auth;      // kube-system/aws-auth's manifest, when there is one
  std::string aws_auth_name;                // how findings name it ("kube-system/aws-auth", a file)
  const rbac::Authorizer* rbac = nullptr;   // null: RBAC unknown, groups are not checked
  PrincipalIdLookup principal_id;           // null: principal IDs are not checked
};

std::vector<DoctorFinding> Diagnose(const DoctorInput& in);

}  // namespace kubeiam::state
