#include "kubeapi/front_steps.h"

#include "authz/chain.h"
#include "authz/forbidden.h"
#include "authz/impersonation.h"
#include "kubeapi/forward_headers.h"
#include "kubeapi/token_review.h"
#include "util/strings.h"

namespace kubeiam::kubeapi {

namespace json = boost::json;

// 1. Authentication: the same verifier and mapping as /authenticate.
Step<Caller> Authenticate(AuthSource& auth, const http::HttpRequest& request, const state::Snapshot& snap) {
  const std::string* header = request.Header("Authorization");
  if (!header || !header->starts_with("Bearer ")) return std::unexpected(StatusResponse(401, "Unauthorized", "Unauthorized"));
  auto id = auth.Verify(std::string_view(*header).substr(7), Clock::now());
  if (!id && id.error().code == ErrorCode::kThrottled) return std::unexpected(TooManyRequests());
  if (!id) return std::unexpected(StatusResponse(401, "Unauthorized", "Unauthorized"));
  auto mapped = auth.MapWith(snap, *id);
  if (!mapped && mapped.error().code == ErrorCode::kThrottled) return std::unexpected(TooManyRequests());
  if (!mapped) return std::unexpected(StatusResponse(401, "Unauthorized", "Unauthorized"));
  bool scrubbed = snap.scrubbed_accounts.contains(id->account_id);
  Caller caller{{mapped->username, authz::WithImpliedGroups(mapped->username, mapped->groups)},
                KubernetesUid(*id, mapped->username, scrubbed),
                {},
                snap.PoliciesFor(*mapped)};
  if (!scrubbed) {
    caller.extra = {{"accessKeyId", {id->access_key_id}}, {"arn", {id->arn}},       {"canonicalArn", {id->canonical_arn}},
                    {"principalId", {id->user_id}},       {"sessionName", {id->session_name}}};
  }
  return caller;
}

// 2. Impersonation, checked for the caller (its policies included, unless `policies_apply` is
// false); the new identity has none.
Step<Caller> Impersonate(const http::HttpRequest& request, const rbac::Authorizer& rbac, Caller caller, bool policies_apply) {
  authz::ImpersonationRequest as;
  for (const auto& [k, v] : request.headers) {
    if (EqualsIgnoreCase(k, "Impersonate-User")) as.user = v;
    else if (EqualsIgnoreCase(k, "Impersonate-Group")) as.groups.push_back(v);
    else if (EqualsIgnoreCase(k, "Impersonate-Uid")) as.uid = v;
    else if (ToLower(k).starts_with("impersonate-extra-")) as.extra[ToLower(k.substr(18))].push_back(v);
  }
  if (as.user.empty() && as.groups.empty() && as.uid.empty() && as.extra.empty()) return caller;
  auto who = authz::Impersonate(rbac, caller.user, policies_apply ? caller.policies : nullptr, as);
  if (!who) {
    return std::unexpected(who.error().code == ErrorCode::kInvalidArgument ? StatusResponse(400, "BadRequest", who.error().message)
                                                                            : StatusResponse(403, "Forbidden", who.error().message));
  }
  return Caller{who->user, who->uid, who->extra, nullptr};
}

// 3. Authorization of the request as the API server derives it: the 403 that ends it, if any.
std::optional<http::HttpResponse> Authorize(const rbac::Authorizer& rbac, const RequestInfo& info, const Caller& caller) {
  rbac::Attributes a = info.Attributes();
  a.user = caller.user;
  authz::Decision d = authz::Authorize(rbac, a, caller.policies);
  // As the API server does for WebSocket streams: exec, attach and portforward over GET also
  // need create.
  if (d.allowed && a.verb == "get" && a.resource == "pods" &&
      (a.subresource == "exec" || a.subresource == "attach" || a.subresource == "portforward")) {
    a.verb = "create";
    d = authz::Authorize(rbac, a, caller.policies);
  }
  if (d.allowed) return std::nullopt;
  json::object details;
  if (!a.name.empty()) details["name"] = a.name;
  if (a.resource_request) {
    details["group"] = a.api_group;
    details["kind"] = a.resource;
  }
  return StatusResponse(403, "Forbidden", authz::ForbiddenMessage(a), std::move(details));
}

// The request as it goes upstream, as the caller.
http::HttpResponse Forwarded(const std::shared_ptr<const http::Upstream>& upstream, const http::HttpRequest& request,
                       const RequestInfo& info, const Caller& caller) {
  auto headers = ForwardHeaders(request.headers, {caller.user.name, caller.user.groups, caller.uid, caller.extra});
  if (!headers) return StatusResponse(500, "InternalError", headers.error().message);
  auto f = std::make_shared<http::Forward>();
  f->upstream = upstream;
  f->method = request.method;
  f->target = request.target;
  f->headers = std::move(*headers);
  f->body = request.body;
  f->streaming = info.verb == "watch" || info.Flag("follow");  // logs -f lasts as long as the client wants
  f->upgrade = IsUpgrade(request.headers);
  f->on_failure = [](const std::string& why) {
    return StatusResponse(503, "ServiceUnavailable", "error trying to reach the upstream API server: " + why);
  };
  http::HttpResponse r;
  r.forward = std::move(f);
  return r;
}

}  // namespace kubeiam::kubeapi
