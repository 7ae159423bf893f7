// Writes of kube-system/aws-auth checked as EKS checks them before they can lock anyone out:
// the errors `kubeiam lint` finds (sections that do not parse, keys in the wrong case, ARNs that
// can never match, no administrator left while nothing else administers the cluster) refuse the
// write with 422 Invalid, each cause naming the section (data.mapRoles), the line within it, the
// line's text and the fix. Warnings do not refuse.
#pragma once

#include <boost/json/object.hpp>
#include <optional>

#include "http/http_server.h"
#include "kubeapi/stored_kinds.h"
#include "state/snapshot.h"

namespace kubeiam::kubeapi {

// `object`: the ConfigMap as it would be stored (null: a delete); `snap` says which
// administrators exist outside aws-auth. nullopt: not aws-auth, or acceptable.
std::optional<http::HttpResponse> CheckAwsAuth(const StoredKind& kind, std::string_view ns, std::string_view name,
                                               const boost::json::object* object, const state::Snapshot& snap);

}  // namespace kubeiam::kubeapi
