// kubectl's server-side printing (Accept: application/json;as=Table;v=v1;g=meta.k8s.io): the
// columns `kubectl get` shows for each stored kind (spec/kube-api.md §3.4) and the API server's
// human-readable ages (5m12s, 3h, 2d5h).
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "kubeapi/stored_kinds.h"
#include "util/time.h"

namespace kubeiam::kubeapi {

// Whether the Accept header asks for a Table.
bool WantsTable(const std::string* accept);

// A Table of `items` read at `revision`. `include_object`: None, Object or Metadata (default).
boost::json::object TableOf(const StoredKind& kind, const std::vector<const boost::json::object*>& items,
                            const std::string& revision, TimePoint now, std::string_view include_object = "Metadata");

// The age the API server prints for a duration (d < 0 within a second is 0s; <invalid> before).
std::string HumanAge(std::chrono::seconds d);

}  // namespace kubeiam::kubeapi
