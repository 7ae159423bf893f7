// ClusterRole aggregation (spec/rbac.md §3.8), run to its fixed point over offline manifests so
// aggregated roles (admin, edit, view and any of the user's) carry the rules they would have on a
// live cluster.
#pragma once

#include <vector>

#include "rbac/objects.h"

namespace kubeiam::rbac {

bool Matches(const LabelSelector& selector, const std::map<std::string, std::string>& labels);

// Rewrites the rules of every ClusterRole with aggregation selectors; repeats until nothing
// changes, so chains (view -> edit -> admin) converge.
void AggregateClusterRoles(std::vector<ClusterRole>& roles);

}  // namespace kubeiam::rbac
