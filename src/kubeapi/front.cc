#include "kubeapi/front.h"

#include "kubeapi/discovery.h"
#include "kubeapi/front_steps.h"
#include "kubeapi/health.h"
#include "kubeapi/object_serving.h"
#include "kubeapi/request_log.h"
#include "kubeapi/reviews.h"
#include "rbac/bootstrap.h"
#include "util/crypto.h"
#include "util/strings.h"

namespace kubeiam::kubeapi {
namespace {

// Without RBAC sources, Kubernetes' default policy.
const rbac::Authorizer& DefaultPolicy() {
  static const rbac::Authorizer p = [] {
    auto all = rbac::WithBootstrap({}, true);
    return rbac::Authorizer(all.roles, all.cluster_roles, all.role_bindings, all.cluster_role_bindings);
  }();
  return p;
}

}  // namespace

Front::Front(AuthSource* auth, FrontOptions options)
    : auth_(auth), options_(std::move(options)), objects_(options_.objects_dir) {
  if (options_.objects && !options_.upstream) object_api_.emplace(options_.objects);
}

// Every request but health checks leaves one log line (who, what, the answer, how long it took)
// and is counted for /metrics.
http::HttpResponse Front::Handle(const http::HttpRequest& request) {
  auto start = std::chrono::steady_clock::now();
  auto received = std::chrono::system_clock::now();
  RequestRecord record;
  http::HttpResponse response = Pipeline(request, record);
  if (record.health_check) return response;
  if (options_.audit) Audit(request, record, response, received);
  // A relayed answer's status is the upstream's, known only later: logged as 0 ("forwarded").
  int status = response.forward ? 0 : response.status;
  auto latency = std::chrono::steady_clock::now() - start;
  const Caller* who = record.who ? &*record.who : record.authenticated ? &*record.authenticated : nullptr;
  LogRequest("kubeAPI request", request, who ? &who->user : nullptr, status, latency);
  if (options_.on_request) options_.on_request(record.verb.empty() ? ToLower(request.method) : record.verb, status, latency);
  return response;
}

// The request's audit events: the user the token names, the one impersonated when the request
// asked for one, the object, the answer.
void Front::Audit(const http::HttpRequest& request, const RequestRecord& record, const http::HttpResponse& response,
                  std::chrono::system_clock::time_point received) const {
  bool impersonating = request.Header("Impersonate-User") != nullptr || request.Header("Impersonate-Group") != nullptr;
  const Caller* authenticated = record.authenticated ? &*record.authenticated : nullptr;
  // record.who is set only once impersonation (if asked) was allowed.
  bool changed = record.who && authenticated &&
                 (record.who->user.name != authenticated->user.name || record.who->user.groups != authenticated->user.groups);
  const Caller* impersonated = impersonating && changed ? &*record.who : nullptr;
  AuditedRequest r{&request, record.info ? &*record.info : nullptr, authenticated, impersonated, received, UuidV4()};
  options_.audit->Record(r, response);
}

// authenticate -> impersonate -> authorize -> dispatch (reviews, discovery, objects, proxy), all
// against one snapshot. `record` learns the caller and the verb once known.
http::HttpResponse Front::Pipeline(const http::HttpRequest& request, RequestRecord& record) {
  auto snap = auth_->snapshot();
  // As the API server: anyone may ask whether it is healthy.
  if (auto health = ServeHealth(request, snap != nullptr)) {
    record.health_check = true;
    return *health;
  }
  const rbac::Authorizer& rbac = snap->rbac ? *snap->rbac : DefaultPolicy();
  const auto& upstream = options_.upstream;
  bool upstream_decides = upstream && options_.upstream_decides;
  auto caller = Authenticate(*auth_, request, *snap);
  if (!caller) return caller.error();
  // An upstream that decides has no access policies: they do not grant impersonation either.
  record.authenticated = *caller;
  caller = Impersonate(request, rbac, std::move(*caller), !upstream_decides);
  if (!caller) return caller.error();
  record.who = *caller;
  // Origin-form targets only: what is authorized is the path the upstream will route.
  if (!request.target.starts_with("/")) return StatusResponse(400, "BadRequest", "the request target must be a path");
  auto info = ParseRequestInfo(request.method, request.target);
  if (!info) return StatusResponse(400, "BadRequest", info.error().message);
  record.verb = info->verb;
  record.info = *info;
  if (upstream_decides) return Forwarded(upstream, request, *info, *caller);
  if (auto denied = Authorize(rbac, *info, *caller)) return *denied;
  bool review = IsReview(*info);
  if (upstream && !review) return Forwarded(upstream, request, *info, *caller);
  if (!info->resource_request) {
    if (auto check = ServeHealthCheck(*info, true)) return *check;
    VersionedObjects folder = objects_.Current();
    return ServeDiscovery(request, *info, {object_api_.has_value(), folder.objects.get()});
  }
  if (review) {
    auto body = ReviewBody(request);
    if (!body) return body.error();
    if (auto answer = AnswerReview({*info, *body, *caller, *snap, rbac, *auth_})) return *answer;
  }
  if (object_api_) {
    if (auto served = object_api_->Serve(request, *info, &*caller, &rbac, snap.get())) return *served;
  }
  return ServeObjects(objects_, request, *info);
}

}  // namespace kubeiam::kubeapi
