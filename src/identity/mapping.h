// Mapping records (spec/authenticator.md §3.2): an IAM role, SSO permission set or user, and the
// Kubernetes username and groups it becomes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "util/error.h"

namespace kubeiam::identity {

struct SsoMatcher {
  std::string permission_set_name;
  std::string account_id;
  std::string partition;  // empty means "aws"
};

struct RoleMapping {
  std::string rolearn;                // one of rolearn and sso
  std::optional<SsoMatcher> sso;
  std::string username;
  std::vector<std::string> groups;
  std::string userid;                 // optional (DynamicFile strict mode keys on it)

  // Errors: "one of rolearn or SSO must be supplied", "only one of rolearn or SSO can be
  // supplied", "AccountID '<v>' is not a valid AWS Account ID", "PermissionSetName '<v>' is not a
  // valid AWS SSO PermissionSet Name", "partition '<v>' is not a valid AWS partition".
  Status Validate() const;
  // Lower-case rolearn, or the SSO pattern.
  std::string Key() const;
  // arn:<partition>:iam::<account>:role/awsreservedsso_<permset>_* (lower case). Unlike the
  // reference, a given partition is used as given (its pattern had an empty partition then).
  std::string SsoArnLike() const;
  // `lower_canonical_arn` is the identity's canonical ARN in lower case.
  bool Matches(std::string_view lower_canonical_arn) const;
};

struct UserMapping {
  std::string userarn;
  std::string username;
  std::vector<std::string> groups;
  std::string userid;

  Status Validate() const;  // "value for userarn must be supplied"
  std::string Key() const { return userarn; }
};

// Where a matched mapping came from and what it says, before templates are rendered.
struct MappedEntry {
  std::string identity_arn;  // the mapping's own ARN (or pattern)
  std::string username;
  std::vector<std::string> groups;
};

}  // namespace kubeiam::identity
