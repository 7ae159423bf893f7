// Rule and subject matching (spec/rbac.md §3.2, §3.3): exact strings, "*" only where Kubernetes
// allows it, no other wildcards.
#pragma once

#include <optional>

#include "rbac/objects.h"

namespace kubeiam::rbac {

bool RuleAllows(const Attributes& a, const PolicyRule& rule);

// Index of the first subject that applies to `user`, or nullopt. `binding_namespace` is the
// RoleBinding's namespace, or "" for a ClusterRoleBinding.
std::optional<size_t> AppliesTo(const UserInfo& user, const std::vector<Subject>& subjects,
                                std::string_view binding_namespace);

// `User "alice"`, `Group "devs"`, `ServiceAccount "bot/team"` (namespace defaulted as matched).
std::string DescribeSubject(const Subject& s, std::string_view binding_namespace);

}  // namespace kubeiam::rbac
