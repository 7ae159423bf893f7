// kubeiam explain [VERB TYPE[/NAME]] (--token T | --arn ARN [--user-id ID] | own credentials)
// Why a caller gets 401 or 403, step by step: the token and STS's answer (a token, or one minted
// with the caller's own credentials, verified as the server --config describes verifies it), the
// ARN mappings compare with, each mapping backend in the mode's order with each row compared and
// why it did or did not match, what the chain answers, then for a request the bindings naming the
// user, the access policies and the authorizer chain's decision. Offline on files or a store, or
// on a live cluster (--kubeconfig, --cluster-name), as the other analysis commands.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <iostream>

#include "authz/chain.h"
#include "cli/analysis.h"
#include "cli/commands.h"
#include "cli/server_view.h"
#include "eks/access_policies.h"
#include "identity/mapping_explanation.h"
#include "token/decode.h"
#include "token/validate.h"
#include "util/time.h"

namespace kubeiam::cli {
namespace {

namespace json = boost::json;

struct ExplainOptions {
  RequestOptions req;
  StateOptions state;
  std::string token, arn, user_id, output;
};

// Who is asking, and the mappings the answer comes from.
struct Caller {
  identity::Identity id;
  json::object token;  // the token's facts and STS's answer (empty for --arn)
  state::Snapshot mappings;
  std::optional<Result<identity::UserInfo>> server_answer;  // the server's own Map, for a token
};

json::array Strings(const std::vector<std::string>& v) {
  json::array out;
  for (const auto& s : v) out.emplace_back(s);
  return out;
}

// What can be read from a token without trusting it: the STS host, when it was signed and until
// when the verifier takes it (15 minutes, whatever X-Amz-Expires says), which headers the
// signature covers. Never the signature.
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

Result<Caller> FromArn(const ExplainOptions& o) {
  auto id = identity::IdentityFromArn(o.arn);
  if (!id) return Fail(ErrorCode::kInvalidArgument, "--arn: " + id.error().message);
  id->user_id = o.user_id.substr(0, o.user_id.find(':'));  // a role session's ID is AROA...:session
  if (!o.state.HasMappings()) {
    return Fail(ErrorCode::kInvalidArgument, "--arn needs --config, --aws-auth, --access-entries, --store or a live cluster");
  }
  auto mappings = LoadMappings(o.state);
  if (!mappings) return std::unexpected(mappings.error());
  return Caller{std::move(*id), {}, std::move(*mappings), std::nullopt};
}

// A token (given, or minted with the caller's own credentials) verified as the server would.
Result<Caller> FromToken(const ExplainOptions& o) {
  if (o.state.config.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "a token (or your own credentials) is explained as a server verifies it: give its --config, or --arn");
  }
  auto view = LoadServerView(o.state.config, o.state.store);
  if (!view) return std::unexpected(view.error());
  std::string token = o.token;
  if (token.empty()) {
    auto minted = MintOwnToken(view->first, view->second);
    if (!minted) return std::unexpected(minted.error().Wrap("minting a token with your own credentials"));
    token = *minted;
  }
  Caller c;
  c.token = TokenFacts(token);
  c.token["clusterID"] = view->first.cluster_id;
  server::Authenticator& auth = *view->second.authenticator;
  auto id = auth.Verify(token, Clock::now());
  if (!id) {
    c.token["verified"] = false;
    c.token["error"] = id.error().message;
    return c;
  }
  c.token["verified"] = true;
  c.id = std::move(*id);
  c.mappings = *auth.sources().snapshot();
  c.server_answer = auth.Map(c.id);
  return c;
}

json::object IdentityJson(const identity::Identity& id, const identity::MappingExplanation& e) {
  return {{"arn", id.arn}, {"canonicalArn", id.canonical_arn}, {"accountId", id.account_id}, {"userId", id.user_id},
          {"comparedAs", e.canonical}};
}

json::object MappingJson(const Caller& c, const identity::MappingExplanation& e) {
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
  const auto& result = c.server_answer ? *c.server_answer : e.result;
  if (result) {
    out["result"] = json::object{{"username", result->username}, {"groups", Strings(result->groups)}, {"backend", result->backend}};
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

Result<json::object> RequestJson(const ExplainOptions& o, const Caller& c, const identity::UserInfo& mapped) {
  std::vector<std::string> warnings;
  auto request = ParseRequest(o.req.args[0], o.req.args[1], o.req.subresource, o.req.Namespace(), warnings);
  if (!request) return std::unexpected(request.error());
  auto policy = LoadPolicy(o.state, warnings);
  if (!policy) return std::unexpected(policy.error());
  rbac::Attributes a = *request;
  a.user = {mapped.username, authz::WithImpliedGroups(mapped.username, mapped.groups)};
  const auto* policies = c.mappings.PoliciesFor(mapped);
  authz::Decision d = authz::Authorize(*policy, a, policies);
  json::array associated;
  for (const auto& p : policies ? *policies : std::vector<eks::AssociatedPolicy>()) associated.emplace_back(eks::DescribeAssociation(p));
  return json::object{{"request", o.req.args[0] + " " + o.req.args[1] + (a.namespace_.empty() ? "" : " -n " + a.namespace_)},
                      {"user", a.user.name}, {"groups", Strings(a.user.groups)},
                      {"bindings", BindingsNaming(*policy, a)},
                      {"accessPolicies", std::move(associated)}, {"allowed", d.allowed}, {"reason", d.reason}};
}

// The whole explanation as one document; `ok` says whether the caller gets in (and is allowed).
Result<json::object> Explain(const ExplainOptions& o, bool& ok) {
  auto caller = o.arn.empty() ? FromToken(o) : FromArn(o);
  if (!caller) return std::unexpected(caller.error());
  json::object out;
  if (!caller->token.empty()) out["token"] = caller->token;
  ok = false;
  if (caller->token.contains("verified") && !caller->token["verified"].as_bool()) {
    out["verdict"] = "not authenticated: the API server answers 401 Unauthorized";
    return out;
  }
  auto e = identity::ExplainMapping(caller->mappings.chain, caller->id, nullptr);
  out["identity"] = IdentityJson(caller->id, e);
  out["mapping"] = MappingJson(*caller, e);
  const auto& result = caller->server_answer ? *caller->server_answer : e.result;
  ok = result.has_value();
  out["verdict"] = ok ? "authenticated as " + result->username : "not authenticated: the API server answers 401 Unauthorized";
  if (!ok || o.req.args.empty()) return out;
  auto request = RequestJson(o, *caller, *result);
  if (!request) return std::unexpected(request.error());
  ok = request->at("allowed").as_bool();
  out["verdict"] = "authenticated as " + result->username + (ok ? "; allowed" : "; forbidden: the API server answers 403 Forbidden");
  out["authorization"] = std::move(*request);
  return out;
}

std::string Str(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : json::serialize(v); }

std::string Joined(const json::value& list) {
  std::string out;
  for (const auto& v : list.as_array()) out += (out.empty() ? "" : " ") + Str(v);
  return "[" + out + "]";
}

void PrintToken(const json::object& t) {
  std::cout << "Token\n";
  for (const char* k : {"stsHost", "signedAt", "validUntil", "signedHeaders", "clusterID"}) {
    if (t.contains(k)) std::cout << "  " << k << ": " << Str(t.at(k)) << "\n";
  }
  bool verified = t.contains("verified") && t.at("verified").as_bool();
  std::cout << "  verified: " << (verified ? "yes" : "no - " + Str(t.at("error"))) << "\n";
}

void PrintMapping(const json::object& m) {
  std::cout << "Mapping (authentication mode " << Str(m.at("mode")) << ")\n";
  for (const auto& b : m.at("backends").as_array()) {
    std::cout << "  " << Str(b.at("backend")) << "\n";
    for (const auto& r : b.at("rows").as_array()) {
      std::cout << "    " << (r.at("matched").as_bool() ? "MATCH " : "no    ") << Str(r.at("row")) << ": " << Str(r.at("why")) << "\n";
      if (r.as_object().contains("gives")) std::cout << "          gives " << Str(r.at("gives")) << "\n";
    }
    if (auto n = b.at("otherRows").to_number<int64_t>()) std::cout << "    (" << n << " more rows name other accounts and principals)\n";
    if (b.at("rows").as_array().empty() && b.at("otherRows").to_number<int64_t>() == 0) std::cout << "    (no rows)\n";
  }
  if (m.contains("result")) {
    const auto& r = m.at("result");
    std::cout << "  result: username " << Str(r.at("username")) << ", groups " << Joined(r.at("groups")) << " (mapped by "
              << Str(r.at("backend")) << ")\n";
  } else {
    std::cout << "  result: not authenticated - " << Str(m.at("error")) << "\n";
  }
}

void PrintAuthorization(const json::object& a) {
  std::cout << "Authorization of " << Str(a.at("request")) << "\n  user: " << Str(a.at("user")) << " " << Joined(a.at("groups"))
            << "\n  bindings naming the user or its groups:" << (a.at("bindings").as_array().empty() ? " none" : "") << "\n";
  for (const auto& b : a.at("bindings").as_array()) std::cout << "    " << Str(b) << "\n";
  if (!a.at("accessPolicies").as_array().empty()) {
    std::cout << "  access policies of the access entry:\n";
    for (const auto& p : a.at("accessPolicies").as_array()) std::cout << "    " << Str(p) << "\n";
  }
  std::cout << "  decision: " << (a.at("allowed").as_bool() ? "allowed" : "denied") << " - " << Str(a.at("reason")) << "\n";
}

void Print(const json::object& doc) {
  if (doc.contains("token")) PrintToken(doc.at("token").as_object());
  if (doc.contains("identity")) {
    const auto& id = doc.at("identity").as_object();
    std::cout << "Identity\n  ARN: " << Str(id.at("arn")) << "\n  compared as: " << Str(id.at("comparedAs")) << "\n";
    if (!Str(id.at("userId")).empty()) std::cout << "  principal ID: " << Str(id.at("userId")) << "\n";
  }
  if (doc.contains("mapping")) PrintMapping(doc.at("mapping").as_object());
  if (doc.contains("authorization")) PrintAuthorization(doc.at("authorization").as_object());
  std::cout << "Verdict: " << Str(doc.at("verdict")) << "\n";
}

int Run(const ExplainOptions& o) {
  if (!o.req.args.empty() && o.req.args.size() != 2) {
    std::cerr << "error: give a request as VERB TYPE[/NAME] (or nothing, to explain authentication alone)\n";
    return 2;
  }
  bool ok = false;
  auto doc = Explain(o, ok);
  if (!doc) {
    std::cerr << "error: " << doc.error().message << "\n";
    return doc.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  if (o.output == "json") {
    std::cout << json::serialize(*doc) << "\n";
  } else {
    Print(*doc);
  }
  return ok ? 0 : 1;
}

}  // namespace

Runner AddExplainCommand(CLI::App& app) {
  auto o = std::make_shared<ExplainOptions>();
  auto* cmd = app.add_subcommand("explain", "Why an identity is (not) authenticated or allowed, step by step");
  AddRequestOptions(cmd, o->req, "All namespaces (only cluster-wide grants count)");
  AddStateOptions(cmd, o->state);
  cmd->add_option("-t,--token", o->token, "A token to explain (verified as --config's server would)");
  cmd->add_option("--arn", o->arn, "An IAM ARN to explain (no token, no STS)");
  cmd->add_option("--user-id", o->user_id, "With --arn: the principal's ID (AROA.../AIDA...), to check access entries' recorded IDs");
  cmd->add_option("-o,--output", o->output, "json")->check(CLI::IsMember({"json"}));
  cmd->footer("With neither --token nor --arn, a token is minted with your own AWS credentials.");
  return [o] { return Run(*o); };
}

}  // namespace kubeiam::cli
