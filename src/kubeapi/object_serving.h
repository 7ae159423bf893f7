// get, list and watch of the read-only objects folder (object_versions.h), as the API server
// answers them: label and field selectors, kubectl's server-side Table printing, watches that
// resume from a resourceVersion still known (else 410 Expired, and the client lists again).
// Other verbs answer 405; subresources 404.
#pragma once

#include "http/http_server.h"
#include "kubeapi/object_versions.h"
#include "kubeapi/request_info.h"

namespace kubeiam::kubeapi {

http::HttpResponse ServeObjects(ObjectVersions& versions, const http::HttpRequest& request, const RequestInfo& info);

}  // namespace kubeiam::kubeapi
