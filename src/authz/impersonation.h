// Impersonation (spec/rbac.md §3.9): what the API server checks before it lets a requester act
// as someone else, and the identity that results. The requester's own access policies count
// for the checks; the impersonated identity never has any (spec/eks-access.md §4.4).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "authz/chain.h"

namespace kubeiam::authz {

struct ImpersonationRequest {
  std::string user;                 // Impersonate-User
  std::vector<std::string> groups;  // Impersonate-Group
  std::string uid;                  // Impersonate-Uid
  std::map<std::string, std::vector<std::string>> extra;  // Impersonate-Extra-<key>
};

struct Impersonated {
  rbac::UserInfo user;  // with the implied groups
  std::string uid;
  std::map<std::string, std::vector<std::string>> extra;
};

// Each user, group, uid and extra value is checked with verb impersonate against `requester`
// (through the whole chain, `policies` included). Errors: kInvalidArgument for groups, uid or
// extra without a user; kPermissionDenied with the API server's forbidden message for the first
// refused check, e.g. `users "bob" is forbidden: User "alice" cannot impersonate resource "users"
// in API group "" at the cluster scope`.
Result<Impersonated> Impersonate(const rbac::Authorizer& rbac, const rbac::UserInfo& requester,
                                 const std::vector<eks::AssociatedPolicy>* policies, const ImpersonationRequest& request);

}  // namespace kubeiam::authz
