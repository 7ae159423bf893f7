// The steps of the Kubernetes front's pipeline, each a function of the request, the caller and
// one snapshot, so each is tested alone: authenticate -> impersonate -> authorize, and the
// request as it goes upstream. Each step gives a value or the answer that ends the request.
#pragma once

#include <memory>
#include <optional>

#include "http/http_server.h"
#include "http/upstream.h"
#include "kubeapi/auth_source.h"
#include "kubeapi/caller.h"
#include "kubeapi/request_info.h"
#include "kubeapi/responses.h"
#include "rbac/authorizer.h"
#include "state/snapshot.h"

namespace kubeiam::kubeapi {

// 1. The bearer token through the same verifier and mapping as /authenticate: 401 Unauthorized
// without one or for a token that fails; 429 when STS is busy.
Step<Caller> Authenticate(AuthSource& auth, const http::HttpRequest& request, const state::Snapshot& snap);

// 2. Impersonate-* headers, checked with the impersonate verb for the caller (its access
// policies too, unless `policies_apply` is false); the new identity has no policies. 400 for a
// malformed request, 403 with the API server's text.
Step<Caller> Impersonate(const http::HttpRequest& request, const rbac::Authorizer& rbac, Caller caller, bool policies_apply);

// 3. The request as the API server derives it, authorized by the chain (RBAC, then access
// policies): the 403 Forbidden that ends it, if any.
std::optional<http::HttpResponse> Authorize(const rbac::Authorizer& rbac, const RequestInfo& info, const Caller& caller);

// The request relayed to `upstream` as the caller (Impersonate-* headers, the client's own
// credentials and identity headers stripped); 503 when the upstream cannot be reached.
http::HttpResponse Forwarded(const std::shared_ptr<const http::Upstream>& upstream, const http::HttpRequest& request,
                             const RequestInfo& info, const Caller& caller);

}  // namespace kubeiam::kubeapi
