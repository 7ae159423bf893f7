// /healthz, /livez and /readyz as the API server answers them (spec/kube-api.md §9): without a
// token (system:public-info-viewer lets anyone read them), `ok` or, with ?verbose, one line per
// check and `<endpoint> check passed`; ?exclude=<check> skips one. Per-check paths
// (/readyz/<check>) need a caller allowed to get them (system:monitoring) and go through the
// pipeline like any other request.
#pragma once

#include <optional>

#include "http/http_server.h"
#include "kubeapi/request_info.h"

namespace kubeiam::kubeapi {

// The answer for GET or HEAD of /healthz, /livez or /readyz; nullopt for anything else.
// `ready`: the server holds a snapshot to decide with.
std::optional<http::HttpResponse> ServeHealth(const http::HttpRequest& request, bool ready);

// /healthz/<check>, /livez/<check>, /readyz/<check> for an authorized caller; nullopt otherwise.
std::optional<http::HttpResponse> ServeHealthCheck(const RequestInfo& info, bool ready);

}  // namespace kubeiam::kubeapi
