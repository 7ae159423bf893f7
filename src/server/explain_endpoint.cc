// POST /explain on the main listener: for administrators, the explanation of a token or an ARN
// as this server sees it now (its snapshot, its verifier), in server/explanation.h's document.
//
// The caller shows a bearer token, verified and mapped as /authenticate does, and must be allowed
// `post` on the non-resource URL /explain (system:masters is; others through a ClusterRole with
// nonResourceURLs: ["/explain"]). The body:
//   {"token": "k8s-aws-v1..." | "arn": "...", "userId": "...",
//    "resourceAttributes": {...} | "nonResourceAttributes": {...}, "request": "get pods -n dev"}
// Answers: 200 with the document, 400 for a bad body, 401 for a caller not authenticated, 403 for
// one not allowed (each a JSON {"error": ...}). No token reaches the log.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "authz/chain.h"
#include "http/http_server.h"
#include "kubeapi/subject_access_review.h"
#include "server/authenticator.h"
#include "server/explanation.h"
#include "util/log.h"
#include "util/time.h"

namespace kubeiam::server {
namespace {

namespace json = boost::json;

http::HttpResponse JsonError(int status, const std::string& message) {
  return {status, "application/json", json::serialize(json::object{{"error", message}}) + "\n", {}};
}

std::string Member(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

// The request to explain, read as a SubjectAccessReview's spec reads (the user comes later).
Result<std::optional<rbac::Attributes>> RequestOf(const json::object& body) {
  json::object spec{{"user", "-"}};
  for (const char* k : {"resourceAttributes", "nonResourceAttributes"}) {
    if (const json::value* v = body.if_contains(k)) spec[k] = *v;
  }
  if (spec.size() == 1) return std::optional<rbac::Attributes>();
  json::object review{{"apiVersion", "authorization.k8s.io/v1"}, {"kind", "SubjectAccessReview"}, {"spec", std::move(spec)}};
  auto parsed = kubeapi::ParseSubjectAccessReview(json::serialize(review));
  if (!parsed) return std::unexpected(parsed.error());
  return std::optional<rbac::Attributes>(parsed->attributes);
}

}  // namespace

// The caller, if it is an administrator. Errors: kUnauthenticated (401), kPermissionDenied (403).
Result<identity::UserInfo> Authenticator::Administrator(const http::HttpRequest& request) {
  const std::string* header = request.Header("Authorization");
  if (!header || !header->starts_with("Bearer ")) {
    return Fail(ErrorCode::kUnauthenticated, "Unauthorized: give a kubeiam token as Authorization: Bearer");
  }
  auto snap = sources_->snapshot();
  auto id = Verify(header->substr(7), Clock::now());
  auto user = id ? MapWith(*snap, *id) : Result<identity::UserInfo>(std::unexpected(id.error()));
  if (!user) return Fail(ErrorCode::kUnauthenticated, "Unauthorized: " + user.error().message);
  rbac::Attributes a;
  a.user = {user->username, authz::WithImpliedGroups(user->username, user->groups)};
  a.verb = "post";
  a.path = "/explain";
  static const rbac::Authorizer kNoRbac({}, {}, {}, {});
  if (!authz::Authorize(snap->rbac ? *snap->rbac : kNoRbac, a, snap->PoliciesFor(*user)).allowed) {
    return Fail(ErrorCode::kPermissionDenied, "forbidden: User \"" + user->username + "\" cannot post path \"/explain\"");
  }
  return user;
}

http::HttpResponse Authenticator::HandleExplain(const http::HttpRequest& request) {
  if (!http::MayWait()) return {};  // verifying waits on STS: run on a handler thread
  if (request.method != "POST") return JsonError(405, "expected POST");
  auto admin = Administrator(request);
  if (!admin) return JsonError(admin.error().code == ErrorCode::kPermissionDenied ? 403 : 401, admin.error().message);
  boost::system::error_code ec;
  json::value doc = json::parse(request.body, ec);
  if (ec || !doc.is_object()) return JsonError(400, "the body must be a JSON object");
  const json::object& body = doc.as_object();
  auto attributes = RequestOf(body);
  if (!attributes) return JsonError(400, attributes.error().message);
  std::string token = Member(body, "token"), arn = Member(body, "arn");
  if (token.empty() == arn.empty()) return JsonError(400, "give token or arn");
  Log(LogLevel::kInfo, "explain", {{"client", request.remote}, {"user", admin->username}, {"subject", arn.empty() ? "a token" : arn}});

  Result<identity::Identity> id = token.empty() ? identity::IdentityFromArn(arn) : Verify(token, Clock::now());
  if (!id && !token.empty()) return {200, "application/json", json::serialize(ExplainRefusedToken(TokenFacts(token), id.error().message)), {}};
  if (!id) return JsonError(400, "arn: " + id.error().message);
  if (!arn.empty()) id->user_id = Member(body, "userId").substr(0, Member(body, "userId").find(':'));
  auto snap = sources_->snapshot();
  json::object out = server::ExplainCaller({*snap, *id, MapWith(*snap, *id), snap->rbac.get(), *attributes, Member(body, "request")});
  if (!token.empty()) {
    json::object facts = TokenFacts(token);
    facts["clusterID"] = config_.cluster_id;
    facts["verified"] = true;
    out["token"] = std::move(facts);
  }
  return {200, "application/json", json::serialize(out), {}};
}

}  // namespace kubeiam::server
