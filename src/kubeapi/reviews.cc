#include "kubeapi/reviews.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "authz/chain.h"
#include "kubeapi/protobuf_review.h"
#include "kubeapi/review_body.h"
#include "kubeapi/subject_access_review.h"
#include "kubeapi/token_review.h"
#include "util/strings.h"
#include "util/json_text.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

Step<json::object> ParseBody(const std::string& text) {
  auto v = ParseJsonText(text, 32);
  if (!v) return std::unexpected(StatusResponse(400, "BadRequest", "the request body is not valid JSON: " + v.error().message));
  if (!v->is_object()) return std::unexpected(StatusResponse(400, "BadRequest", "the request body is not a JSON object"));
  return std::move(v->as_object());
}

http::HttpResponse Created(json::object review, json::object status) {
  review["status"] = std::move(status);
  if (!review.contains("metadata")) review["metadata"] = json::object{{"creationTimestamp", nullptr}};
  return JsonResponse(201, review);
}

http::HttpResponse SelfSubjectReview(const ReviewContext& c) {
  if (!Trim(c.body).empty()) {
    auto doc = ParseBody(c.body);
    if (!doc) return doc.error();
    if (auto ok = CheckReviewKind(*doc, {c.info.api_group, c.info.api_version, "SelfSubjectReview"}); !ok) {
      return StatusResponse(400, "BadRequest", ok.error().message);
    }
  }
  json::object extra;
  for (const auto& [k, v] : c.caller.extra) extra[k] = JsonStrings(v);
  json::object user{{"username", c.caller.user.name}, {"groups", JsonStrings(c.caller.user.groups)}};
  if (!c.caller.uid.empty()) user["uid"] = c.caller.uid;
  if (!extra.empty()) user["extra"] = std::move(extra);
  return Created(json::object{{"kind", "SelfSubjectReview"}, {"apiVersion", "authentication.k8s.io/" + c.info.api_version}},
                 json::object{{"userInfo", std::move(user)}});
}

http::HttpResponse TokenReview(const ReviewContext& c) {
  auto doc = ParseBody(c.body);
  if (!doc) return doc.error();
  auto token = TokenReviewToken(*doc, {c.info.api_group, c.info.api_version, "TokenReview"});
  if (!token) return StatusResponse(400, "BadRequest", token.error().message);
  auto who = c.auth.Verify(*token, Clock::now());
  auto user = who ? c.auth.MapWith(c.snap, *who) : Result<identity::UserInfo>(std::unexpected(who.error()));
  std::string answer = user ? AcceptedReview("authentication.k8s.io/v1", *who, *user, c.snap.scrubbed_accounts)
                            : DeniedReview("authentication.k8s.io/v1", user.error().message);
  return {201, "application/json", answer, {}};
}

// SelfSubjectAccessReview, SubjectAccessReview and LocalSubjectAccessReview.
http::HttpResponse AccessReview(const ReviewContext& c) {
  auto doc = ParseBody(c.body);
  if (!doc) return doc.error();
  const std::string& resource = c.info.resource;
  bool self = resource == "selfsubjectaccessreviews";
  ReviewType type{c.info.api_group, c.info.api_version,
                           self ? "SelfSubjectAccessReview"
                                : resource == "subjectaccessreviews" ? "SubjectAccessReview" : "LocalSubjectAccessReview"};
  if (auto ok = CheckReviewKind(*doc, type); !ok) return StatusResponse(400, "BadRequest", ok.error().message);
  if (auto ok = self ? CheckSelfReviewSpec(*doc, type) : kubeiam::Status(); !ok) {
    return StatusResponse(400, "BadRequest", ok.error().message);
  }
  json::object probe = *doc;  // what is checked; the answer echoes the request as sent
  if (self && probe.contains("spec") && probe.at("spec").is_object()) {
    probe.at("spec").as_object()["user"] = c.caller.user.name;  // the caller asks about itself
  }
  probe["apiVersion"] = "authorization.k8s.io/v1";
  probe["kind"] = "SubjectAccessReview";
  auto review = ParseSubjectAccessReview(json::serialize(probe));
  if (!review) return StatusResponse(400, "BadRequest", review.error().message);
  rbac::Attributes asked = review->attributes;
  const std::vector<eks::AssociatedPolicy>* policies = nullptr;
  if (self) {
    asked.user = c.caller.user;
    policies = c.caller.policies;
  } else {
    auto grant = c.auth.EntryPolicies(c.snap, *review);
    policies = grant ? grant->policies : nullptr;
  }
  if (resource == "localsubjectaccessreviews") {
    if (asked.namespace_.empty()) asked.namespace_ = c.info.namespace_;
    if (asked.namespace_ != c.info.namespace_ || !asked.resource_request) {
      return StatusResponse(400, "BadRequest", "spec.resourceAttributes.namespace must match the namespace of the request");
    }
  }
  authz::Decision answer = authz::Authorize(c.rbac, asked, policies);
  json::object status{{"allowed", answer.allowed}};
  // As the API server: a denial carries a reason only when an authorizer gave one.
  if (answer.allowed || answer.reason.starts_with("RBAC:")) status["reason"] = answer.reason;
  return Created(std::move(*doc), std::move(status));
}

http::HttpResponse RulesReview(const ReviewContext& c) {
  auto doc = ParseBody(c.body);
  if (!doc) return doc.error();
  if (auto ok = CheckReviewKind(*doc, {c.info.api_group, c.info.api_version, "SelfSubjectRulesReview"}); !ok) {
    return StatusResponse(400, "BadRequest", ok.error().message);
  }
  std::string ns;
  if (const json::value* spec = doc->if_contains("spec"); spec && spec->is_object()) {
    if (const json::value* n = spec->as_object().if_contains("namespace"); n && n->is_string()) ns = std::string(n->as_string());
  }
  if (ns.empty()) return StatusResponse(400, "BadRequest", "no namespace on request");
  auto rules = c.rbac.RulesFor(c.caller.user, ns);
  json::array resource_rules, non_resource_rules;
  for (const auto& r : rules.rules) (r.non_resource_urls.empty() ? resource_rules : non_resource_rules).push_back(PolicyRuleJson(r));
  // As on EKS: the access-policy webhook cannot list rules, so the answer may be incomplete.
  bool incomplete = eks::UsesAccessEntries(c.snap.authentication_mode);
  json::object status{{"resourceRules", std::move(resource_rules)},
                      {"nonResourceRules", std::move(non_resource_rules)},
                      {"incomplete", incomplete}};
  std::string errors;
  for (const auto& e : rules.errors) errors += (errors.empty() ? "" : "; ") + e;
  if (incomplete) errors += std::string(errors.empty() ? "" : "; ") + "webhook authorizer does not support user rule resolution";
  if (!errors.empty()) status["evaluationError"] = errors;
  return Created(std::move(*doc), std::move(status));
}

}  // namespace

// The reviews are answered here: they are about kubeiam's decisions.
std::optional<http::HttpResponse> AnswerReview(const ReviewContext& c) {
  const std::string& group = c.info.api_group;
  const std::string& resource = c.info.resource;
  if (c.info.verb != "create") return std::nullopt;
  if (group == "authentication.k8s.io" && resource == "selfsubjectreviews") return SelfSubjectReview(c);
  if (group == "authentication.k8s.io" && resource == "tokenreviews") return TokenReview(c);
  if (group == "authorization.k8s.io" && (resource == "selfsubjectaccessreviews" || resource == "subjectaccessreviews" ||
                                          resource == "localsubjectaccessreviews")) {
    return AccessReview(c);
  }
  if (group == "authorization.k8s.io" && resource == "selfsubjectrulesreviews") return RulesReview(c);
  return std::nullopt;
}

bool IsReview(const RequestInfo& info) {
  return info.verb == "create" && (info.api_group == "authentication.k8s.io" || info.api_group == "authorization.k8s.io") &&
         info.resource.ends_with("reviews");
}

// A review's body as JSON: reviews come as JSON or, from kubectl, in the API server's protobuf
// encoding.
Step<std::string> ReviewBody(const http::HttpRequest& request) {
  std::string type = ToLower(request.Header("Content-Type") ? *request.Header("Content-Type") : "");
  if (type.starts_with("application/vnd.kubernetes.protobuf")) {
    auto converted = ReviewJsonFromProtobuf(request.body);
    if (!converted) return std::unexpected(StatusResponse(400, "BadRequest", converted.error().message));
    return std::move(*converted);
  }
  if (!type.empty() && !type.starts_with("application/json")) {
    return std::unexpected(StatusResponse(415, "UnsupportedMediaType",
                                  "the body of the request was in an unknown format - accepted media types include: "
                                  "application/json, application/vnd.kubernetes.protobuf"));
  }
  return request.body;
}

}  // namespace kubeiam::kubeapi
