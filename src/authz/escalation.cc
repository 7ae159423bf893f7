#include "authz/escalation.h"

#include <algorithm>

#include "rbac/covers.h"

namespace kubeiam::authz {
namespace {

constexpr char kRbacGroup[] = "rbac.authorization.k8s.io";

bool IsMaster(const rbac::UserInfo& user) {
  return std::find(user.groups.begin(), user.groups.end(), "system:masters") != user.groups.end();
}

Status CoveredByRbac(const rbac::Authorizer& rbac, const rbac::UserInfo& user, const std::string& ns,
                     const std::vector<rbac::PolicyRule>& rules) {
  auto missing = rbac::Uncovered(rbac.RulesFor(user, ns).rules, rules);
  if (missing.empty()) return {};
  return Fail(ErrorCode::kPermissionDenied, rbac::EscalationMessage(user, missing));
}

bool Allows(const rbac::Authorizer& rbac, const rbac::UserInfo& user, const std::vector<eks::AssociatedPolicy>* policies,
            std::string verb, std::string resource, std::string ns, std::string name) {
  rbac::Attributes a;
  a.user = user;
  a.verb = std::move(verb);
  a.api_group = kRbacGroup;
  a.resource = std::move(resource);
  a.namespace_ = std::move(ns);
  a.name = std::move(name);
  return Authorize(rbac, a, policies).allowed;
}

}  // namespace

Status ConfirmBind(const rbac::Authorizer& rbac, const rbac::UserInfo& user, const std::vector<eks::AssociatedPolicy>* policies,
                   const rbac::RoleRef& ref, const std::string& binding_namespace) {
  if (IsMaster(user)) return {};
  std::string resource = ref.kind == "ClusterRole" ? "clusterroles" : "roles";
  if (Allows(rbac, user, policies, "bind", resource, binding_namespace, ref.name)) return {};
  const std::vector<rbac::PolicyRule>* rules = nullptr;
  if (ref.kind == "ClusterRole") {
    if (const auto* r = rbac.FindClusterRole(ref.name)) rules = &r->rules;
  } else if (const auto* r = rbac.FindRole(binding_namespace, ref.name)) {
    rules = &r->rules;
  }
  if (!rules) {
    return Fail(ErrorCode::kPermissionDenied,
                resource + ".rbac.authorization.k8s.io \"" + ref.name + "\" not found");
  }
  return CoveredByRbac(rbac, user, binding_namespace, *rules);
}

Status ConfirmEscalate(const rbac::Authorizer& rbac, const rbac::UserInfo& user,
                       const std::vector<eks::AssociatedPolicy>* policies, const std::string& ns, const std::string& name,
                       const std::vector<rbac::PolicyRule>& rules) {
  if (IsMaster(user)) return {};
  if (Allows(rbac, user, policies, "escalate", ns.empty() ? "clusterroles" : "roles", ns, name)) return {};
  return CoveredByRbac(rbac, user, ns, rules);
}

}  // namespace kubeiam::authz
