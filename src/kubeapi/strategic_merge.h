// Strategic merge patch (application/strategic-merge-patch+json) for the stored kinds, as the API
// server applies what `kubectl edit` and `kubectl apply` send (spec/kube-api.md §4.2–§4.4):
// maps merge key by key (null deletes); lists follow each field's patch strategy — RBAC rules
// and subjects are replaced whole, finalizers merge as a set, ownerReferences and Namespace
// conditions merge by key; the directives $patch, $retainKeys, $deleteFromPrimitiveList and
// $setElementOrder. Pure.
#pragma once

#include <boost/json/value.hpp>

#include "kubeapi/stored_kinds.h"
#include "util/error.h"

namespace kubeiam::kubeapi {

// Errors: kInvalidArgument for a malformed patch (the API server's 400 texts), kFormat for
// what the API server answers 422 or 500 to (lists of lists, a missing merge key).
Result<boost::json::value> StrategicMerge(boost::json::value original, const boost::json::value& patch,
                                          const StoredKind& kind);

}  // namespace kubeiam::kubeapi
