// Health and discovery documents of the Kubernetes front: /version, /api, /apis (also as
// aggregated discovery, apidiscovery.k8s.io/v2, when kubectl asks for it) and each group
// version's resource list, for the standard resources kubeiam serves (rbac/resources.h).
#pragma once

#include "http/http_server.h"
#include "kubeapi/request_info.h"

namespace kubeiam::kubeapi {

// /healthz, /livez, /readyz, discovery and OpenAPI; 404 NotFound for any other non-resource
// path. `writable`: the front keeps the stored kinds (they take every verb).
http::HttpResponse ServeDiscovery(const http::HttpRequest& request, const RequestInfo& info, bool writable);

}  // namespace kubeiam::kubeapi
