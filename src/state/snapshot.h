// Everything a request reads, as one immutable value: the mapper chain, access entries, RBAC
// and the authentication mode. Sources (files, stores) build a new Snapshot off the request
// path and publish it by swapping a shared_ptr, so readers never lock and never see a mix of
// old and new.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "eks/access_entries.h"
#include "eks/authentication_mode.h"
#include "identity/mapper_chain.h"
#include "rbac/authorizer.h"

namespace kubeiam::state {

struct Snapshot {
  std::vector<identity::Backend> chain;
  std::set<std::string> scrubbed_accounts;
  eks::AuthenticationMode authentication_mode = eks::AuthenticationMode::kConfigMap;
  std::shared_ptr<const eks::AccessEntries> access_entries = std::make_shared<const eks::AccessEntries>();
  std::shared_ptr<const rbac::Authorizer> rbac;  // null: the server does not authorize with RBAC
  // POST /authorize runs system:masters, RBAC and access policies (authorization.webhook: full)
  // instead of access policies alone.
  bool webhook_full_chain = false;

  // The associated policies of the access entry that mapped `user`, or null when it was not
  // mapped by an access entry (or the mode ignores them).
  const std::vector<eks::AssociatedPolicy>* PoliciesFor(const identity::UserInfo& user) const;
};

// The tables each mapping source currently holds (null: none).
struct MappingSources {
  std::shared_ptr<const identity::MappingTable> mounted_file, aws_auth, dynamic_file, access_entries;
};

// The configured backends, ordered by the authentication mode (spec/eks-access.md §1.1, §5.2):
// CONFIG_MAP drops AccessEntry; API drops EKSConfigMap; with access entries on, AccessEntry
// sits where backendMode lists it, or else just before EKSConfigMap, or else last.
std::vector<std::string> BackendOrder(const std::vector<std::string>& configured, eks::AuthenticationMode mode);

// Administrators the chain's other mappings give under `mode`: system:masters rows of
// MountedFile (always) and EKSConfigMap (when the mode honours aws-auth).
size_t MappedAdministrators(const std::vector<identity::Backend>& chain, eks::AuthenticationMode mode);

// Administrators that exist outside aws-auth: system:masters rows of the config's own mappings,
// and access entries with AmazonEKSClusterAdminPolicy at cluster scope when the mode honours
// them. None left and none in aws-auth is a lock-out.
size_t AdministratorsOutsideAwsAuth(const Snapshot& snap);

std::vector<identity::Backend> BuildChain(const std::vector<std::string>& configured, eks::AuthenticationMode mode,
                                          const MappingSources& sources,
                                          const std::function<std::vector<std::string>(std::string_view)>& reserved_prefixes);

}  // namespace kubeiam::state
