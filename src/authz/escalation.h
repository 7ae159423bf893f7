// The API server's escalation checks for RBAC writes (spec/rbac.md §3.9), over the whole chain:
// `bind` or `escalate` may come from any authorizer (access policies included), but the covers
// comparison sees only RBAC rules, so access-policy grants never let a user hand out
// permissions (spec/eks-access.md §4.4, containers-roadmap#2682).
#pragma once

#include "authz/chain.h"

namespace kubeiam::authz {

// Creating or updating a RoleBinding (binding_namespace set) or ClusterRoleBinding ("") to `ref`.
// Allowed for system:masters, when the chain allows `bind` on the referenced role, or when the
// user's RBAC rules in the binding's namespace cover the role's. Errors (kPermissionDenied): the
// role cannot be found, or EscalationMessage with what is missing.
Status ConfirmBind(const rbac::Authorizer& rbac, const rbac::UserInfo& user, const std::vector<eks::AssociatedPolicy>* policies,
                   const rbac::RoleRef& ref, const std::string& binding_namespace);

// Creating or updating a Role (ns set) or ClusterRole ("") named `name` with `rules`: allowed
// for system:masters, when the chain allows `escalate` on it, or when RBAC rules cover them.
Status ConfirmEscalate(const rbac::Authorizer& rbac, const rbac::UserInfo& user,
                       const std::vector<eks::AssociatedPolicy>* policies, const std::string& ns, const std::string& name,
                       const std::vector<rbac::PolicyRule>& rules);

}  // namespace kubeiam::authz
