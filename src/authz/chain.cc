#include "authz/chain.h"

#include <algorithm>

#include "util/strings.h"

namespace kubeiam::authz {

Decision Authorize(const rbac::Authorizer& rbac, const rbac::Attributes& a,
                   const std::vector<eks::AssociatedPolicy>* policies) {
  const auto& g = a.user.groups;
  if (std::find(g.begin(), g.end(), "system:masters") != g.end()) {
    return {true, "allowed by group system:masters (the privileged-group authorizer)"};
  }
  rbac::Decision d = rbac.Authorize(a);
  if (d.allowed) return {true, d.reason};
  if (policies) {
    eks::PolicyDecision p = eks::AuthorizeWithPolicies(*policies, a);
    if (p.allowed) return {true, p.reason};
  }
  return {false, d.reason.empty() ? "no RBAC binding or access policy allows it" : d.reason};
}

std::vector<std::string> WithImpliedGroups(const std::string& user, std::vector<std::string> groups) {
  auto add = [&](const std::string& group) {
    if (std::find(groups.begin(), groups.end(), group) == groups.end()) groups.push_back(group);
  };
  constexpr std::string_view kSa = "system:serviceaccount:";
  if (user.starts_with(kSa)) {
    auto parts = Split(std::string_view(user).substr(kSa.size()), ':');
    if (parts.size() == 2 && !parts[0].empty() && !parts[1].empty()) {
      add("system:serviceaccounts");
      add("system:serviceaccounts:" + std::string(parts[0]));
    }
  }
  add(user == "system:anonymous" ? "system:unauthenticated" : "system:authenticated");
  return groups;
}

}  // namespace kubeiam::authz
