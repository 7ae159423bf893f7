// The objects a fresh API server shows (spec/kube-api.md §8), kept in the store: the namespaces
// default, kube-node-lease, kube-public and kube-system, and Kubernetes' default RBAC policy
// (labelled kubernetes.io/bootstrapping: rbac-defaults, annotated autoupdate), plus any `seeds`
// (tests, and later the objects a config starts from). Each is created
// when it is not there; what is there is left alone, so edits survive restarts. Aggregated
// ClusterRoles (admin, edit, view, and any user's) get the rules of the roles they select, as
// the controller manager's aggregation controller keeps them.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "kubeapi/object_registry.h"
#include "util/error.h"
#include "util/time.h"

namespace kubeiam::kubeapi {

// Errors: the store failed, or a seed manifest names a kind the front does not keep.
Status EnsureDefaultObjects(ObjectRegistry& registry, const std::vector<boost::json::object>& seeds, TimePoint now);

// Recomputes the rules of every ClusterRole with an aggregationRule and writes those that
// changed (a write that loses to another writer is run again).
Status AggregateStoredClusterRoles(ObjectRegistry& registry);

}  // namespace kubeiam::kubeapi
