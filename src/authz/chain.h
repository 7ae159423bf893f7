// The authorizer chain as an EKS API server runs it: members of system:masters first, then RBAC,
// then the access policies of the identity's access entry. All no-opinion means forbidden.
#pragma once

#include "eks/access_policies.h"
#include "rbac/authorizer.h"

namespace kubeiam::authz {

struct Decision {
  bool allowed = false;
  std::string reason;  // which authorizer allowed, and why; or why nothing did
};

// `policies`: the access entry's associated policies, or null (no entry, or an impersonated
// request, which loses the caller's policies).
Decision Authorize(const rbac::Authorizer& rbac, const rbac::Attributes& a,
                   const std::vector<eks::AssociatedPolicy>* policies = nullptr);

// Groups the API server adds to an impersonated (or authenticated) identity:
// system:authenticated (system:unauthenticated for system:anonymous) and, for service-account
// usernames, system:serviceaccounts and system:serviceaccounts:<namespace>.
std::vector<std::string> WithImpliedGroups(const std::string& user, std::vector<std::string> groups);

}  // namespace kubeiam::authz
