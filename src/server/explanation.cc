#include "server/explanation.h"

#include <boost/json/array.hpp>
#include <boost/url/parse.hpp>

#include "authz/chain.h"
#include "eks/access_policies.h"
#include "identity/mapping_explanation.h"
#include "kubeapi/responses.h"
#include "token/decode.h"
#include "token/validate.h"
#include "util/time.h"

namespace kubeiam::server {
namespace {

namespace json = boost::json;


json::object IdentityJson(const identity::Identity& id, const identity::MappingExplanation& e) {
  return {{"arn", id.arn}, {"canonicalArn", id.canonical_arn}, {"accountId", id.account_id}, {"userId", id.user_id},
          {"comparedAs", e.canonical}};
}

json::object MappingJson(const ExplainRequest& c, const identity::MappingExplanation& e) {
  json::array backends;
  for (const auto& b : e.backends) {
    json::array rows;
    for (const auto& r : b.rows) {
      json::object row{{"row", r.row}, {"matched", r.matched}, {"why", r.why}};
      if (!r.gives.empty()) row["gives"] = r.gives;
      rows.push_back(std::move(row));
    }
    backends.push_back(json::object{{"backend", b.backend}, {"rows", std::move(rows)}, {"otherRows", b.other_rows}});
  }
  json::object out{{"mode", std::string(eks::ToString(c.mappings.authentication_mode))}, {"backends", std::move(backends)}};
  const auto& result = e.result;
  if (result) {
    out["result"] = json::object{{"username", result->username}, {"groups", kubeapi::JsonStrings(result->groups)}, {"backend", result->backend}};
  } else {
    out["error"] = result.error().message;
  }
  return out;
}

// The bindings whose subjects name the user or one of its groups, each with whether its role
// allows the request.
json::array BindingsNaming(const rbac::Authorizer& policy, const rbac::Attributes& a) {
  const rbac::UserInfo& user = a.user;
  const std::string& ns = a.namespace_;
  auto grants = policy.Grants(a, false);
  auto verdict = [&](const std::string& kind, const std::string& name, const std::string& binding_ns) {
    for (const auto& g : grants) {
      if (g.binding_kind == kind && g.binding_name == name && g.namespace_ == binding_ns) return std::string(": allows it");
    }
    return std::string(": no rule for it");
  };
  auto names = [&](const std::vector<rbac::Subject>& subjects) {
    for (const auto& s : subjects) {
      if (s.kind == "User" && s.name == user.name) return true;
      if (s.kind == "Group" && std::find(user.groups.begin(), user.groups.end(), s.name) != user.groups.end()) return true;
    }
    return false;
  };
  json::array out;
  for (const auto& b : policy.cluster_role_bindings()) {
    if (names(b.subjects)) {
      out.emplace_back("ClusterRoleBinding " + b.name + " -> " + b.role_ref.kind + " " + b.role_ref.name +
                       verdict("ClusterRoleBinding", b.name, ""));
    }
  }
  for (const auto& b : policy.role_bindings()) {
    if (b.namespace_ == ns && names(b.subjects)) {
      out.emplace_back("RoleBinding " + ns + "/" + b.name + " -> " + b.role_ref.kind + " " + b.role_ref.name +
                       verdict("RoleBinding", b.name, ns));
    }
  }
  return out;
}

json::object AuthorizationJson(const ExplainRequest& in, const identity::UserInfo& mapped, bool& allowed) {
  rbac::Attributes a = *in.request;
  a.user = {mapped.username, authz::WithImpliedGroups(mapped.username, mapped.groups)};
  const auto* policies = in.mappings.PoliciesFor(mapped);
  static const rbac::Authorizer kNoRbac({}, {}, {}, {});
  const rbac::Authorizer& policy = in.policy ? *in.policy : kNoRbac;
  authz::Decision d = authz::Authorize(policy, a, policies);
  allowed = d.allowed;
  json::array associated;
  for (const auto& p : policies ? *policies : std::vector<eks::AssociatedPolicy>()) associated.emplace_back(eks::DescribeAssociation(p));
  return json::object{{"request", in.request_text}, {"user", a.user.name}, {"groups", kubeapi::JsonStrings(a.user.groups)},
                      {"bindings", BindingsNaming(policy, a)}, {"accessPolicies", std::move(associated)},
                      {"allowed", d.allowed}, {"reason", d.reason}};
}

constexpr char kUnauthorized[] = "not authenticated: the API server answers 401 Unauthorized";

}  // namespace

json::object TokenFacts(const std::string& token) {
  auto url = token::Decode(token);
  if (!url) return {{"error", url.error().message}};
  json::object facts{{"stsHost", url->host}};
  auto parsed = boost::urls::parse_uri(url->url);
  if (!parsed) return facts;
  for (const auto& p : parsed->params()) {
    if (p.key == "X-Amz-Date") {
      if (auto at = ParseAmzDate(p.value)) {
        facts["signedAt"] = FormatRfc3339(*at);
        facts["validUntil"] = FormatRfc3339(*at + token::kTokenValidity);
      }
    }
    if (p.key == "X-Amz-SignedHeaders") facts["signedHeaders"] = p.value;
  }
  return facts;
}

json::object ExplainRefusedToken(json::object token_facts, const std::string& error) {
  token_facts["verified"] = false;
  token_facts["error"] = error;
  return json::object{{"token", std::move(token_facts)}, {"verdict", kUnauthorized}, {"ok", false}};
}

json::object ExplainCaller(const ExplainRequest& in) {
  auto e = identity::ExplainMapping(in.mappings.chain, in.id, nullptr, in.answer ? &*in.answer : nullptr);
  json::object out{{"identity", IdentityJson(in.id, e)}, {"mapping", MappingJson(in, e)}};
  const auto& result = e.result;
  bool ok = result.has_value();
  out["verdict"] = ok ? "authenticated as " + result->username : kUnauthorized;
  if (ok && in.request) {
    out["authorization"] = AuthorizationJson(in, *result, ok);
    out["verdict"] = "authenticated as " + result->username + (ok ? "; allowed" : "; forbidden: the API server answers 403 Forbidden");
  }
  out["ok"] = ok;
  return out;
}

}  // namespace kubeiam::server
