#include "kubeapi/token_review.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

constexpr std::string_view kDefaultVersion = "authentication.k8s.io/v1beta1";

json::object Envelope(std::string_view api_version) {
  json::object o;
  o["apiVersion"] = api_version.empty() ? kDefaultVersion : api_version;
  o["kind"] = "TokenReview";
  o["metadata"] = json::object();
  o["spec"] = json::object();
  return o;
}

json::array One(std::string_view v) { return json::array{json::string(v)}; }

}  // namespace

Result<TokenReviewRequest> ParseTokenReview(std::string_view body) {
  if (body.empty()) return Fail(ErrorCode::kInvalidArgument, "expected a request body");
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  auto bad = [] { return Fail(ErrorCode::kInvalidArgument, "expected a request body to be a TokenReview"); };
  if (ec || !v.is_object()) return bad();
  const auto& o = v.as_object();
  TokenReviewRequest out;
  if (auto* api = o.if_contains("apiVersion"); api && api->is_string()) {
    std::string_view a = api->as_string();
    if (a == "authentication.k8s.io/v1" || a == "authentication.k8s.io/v1beta1") out.api_version = std::string(a);
  }
  auto* spec = o.if_contains("spec");
  if (spec && !spec->is_object() && !spec->is_null()) return bad();
  if (spec && spec->is_object()) {
    if (auto* t = spec->as_object().if_contains("token")) {
      if (!t->is_string() && !t->is_null()) return bad();
      if (t->is_string()) out.token = std::string(t->as_string());
    }
  }
  return out;
}

std::string KubernetesUid(const identity::Identity& id, const std::string& username, bool scrubbed) {
  return scrubbed ? "aws-iam-authenticator:administrative:" + username
                  : "aws-iam-authenticator:" + id.account_id + ":" + id.user_id;
}

std::string AcceptedReview(std::string_view api_version, const identity::Identity& id, const identity::UserInfo& user,
                           const std::set<std::string>& scrubbed_accounts) {
  json::object u;
  u["username"] = user.username;
  bool scrubbed = scrubbed_accounts.contains(id.account_id);
  u["uid"] = KubernetesUid(id, user.username, scrubbed);
  if (!user.groups.empty()) {
    json::array groups;
    for (const auto& g : user.groups) groups.emplace_back(g);
    u["groups"] = std::move(groups);
  }
  if (!scrubbed) {
    u["extra"] = json::object{{"accessKeyId", One(id.access_key_id)},
                              {"arn", One(id.arn)},
                              {"canonicalArn", One(id.canonical_arn)},
                              {"principalId", One(id.user_id)},
                              {"sessionName", One(id.session_name)},
                              {"sigs.k8s.io/aws-iam-authenticator/principalId", One(id.user_id)}};
  }
  json::object o = Envelope(api_version);
  o["status"] = json::object{{"authenticated", true}, {"user", std::move(u)}};
  return json::serialize(o) + "\n";
}

std::string DeniedReview(std::string_view api_version, std::string_view reason) {
  json::object o = Envelope(api_version);
  json::object status{{"authenticated", false}, {"user", json::object()}};
  if (!reason.empty()) status["error"] = reason;
  o["status"] = std::move(status);
  return json::serialize(o) + "\n";
}

}  // namespace kubeiam::kubeapi
