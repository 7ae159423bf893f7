// One log line per request of the Kubernetes front, the proxy and the EKS API, as kube-apiserver's
// httplog writes them: the method, the path (the query is left out: it can carry tokens), the
// user and groups once authenticated (when impersonating, the user impersonated once that was
// allowed), the answer's status and what it means for access (allowed, unauthenticated,
// forbidden, error), and the latency in milliseconds.
#pragma once

#include <chrono>
#include <string_view>

#include "http/http_server.h"
#include "rbac/objects.h"

namespace kubeiam::kubeapi {

// `user` may be null (not authenticated).
void LogRequest(std::string_view msg, const http::HttpRequest& request, const rbac::UserInfo* user, int status,
                std::chrono::steady_clock::duration latency);

// The access meaning of a status: 401 unauthenticated, 403 forbidden, other 4xx/5xx error, 0
// (relayed to the upstream, which answers) forwarded.
std::string_view Decision(int status);

}  // namespace kubeiam::kubeapi
