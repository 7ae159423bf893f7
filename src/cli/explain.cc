// kubeiam explain [VERB TYPE[/NAME]] (--token T | --arn ARN [--user-id ID] | own credentials)
// Why a caller gets 401 or 403, step by step: the token and STS's answer (a token, or one minted
// with the caller's own credentials, verified as the server --config describes verifies it), the
// ARN mappings compare with, each mapping backend in the mode's order with each row compared and
// why it did or did not match, what the chain answers, then for a request the bindings naming the
// user, the access policies and the authorizer chain's decision. Offline on files or a store, or
// on a live cluster (--kubeconfig, --cluster-name), as the other analysis commands.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <iostream>

#include "cli/analysis.h"
#include "cli/commands.h"
#include "cli/explain_text.h"
#include "cli/server_view.h"
#include "http/client.h"
#include "kubeapi/subject_access_review.h"
#include "server/explanation.h"
#include "util/time.h"

namespace kubeiam::cli {
namespace {

namespace json = boost::json;

struct ExplainOptions {
  RequestOptions req;
  StateOptions state;
  std::string token, arn, user_id, output;
  // --server: a running server's POST /explain, as an administrator (a token of one's own).
  std::string server, server_ca, cluster_id, sts_endpoint;
};

// Who is asking, and the mappings the answer comes from.
struct Caller {
  identity::Identity id;
  json::object token;  // the token's facts and STS's answer (empty for --arn)
  state::Snapshot mappings;
  std::optional<Result<identity::UserInfo>> server_answer;  // the server's own Map, for a token
};

std::string Str(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : json::serialize(v); }

// "get pods -n dev", as given.
std::string RequestText(const RequestOptions& r) {
  return r.args[0] + " " + r.args[1] + (r.subresource.empty() ? "" : " --subresource " + r.subresource) +
         (r.all_namespaces ? " -A" : " -n " + r.ns);
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
  c.token = server::TokenFacts(token);
  c.token["clusterID"] = view->first.cluster_id;
  server::Authenticator& auth = *view->second.authenticator;
  auto id = auth.Verify(token, Clock::now());
  if (!id) {
    c.token["error"] = id.error().message;
    return c;
  }
  c.token["verified"] = true;
  c.id = std::move(*id);
  c.mappings = *auth.sources().snapshot();
  c.server_answer = auth.Map(c.id);
  return c;
}

// The whole explanation as one document (its "ok": the caller gets in, and is allowed).
Result<json::object> Explain(const ExplainOptions& o) {
  auto caller = o.arn.empty() ? FromToken(o) : FromArn(o);
  if (!caller) return std::unexpected(caller.error());
  if (caller->token.contains("error")) return server::ExplainRefusedToken(caller->token, Str(caller->token["error"]));
  server::ExplainRequest in{caller->mappings, caller->id, caller->server_answer, nullptr, std::nullopt, ""};
  std::optional<rbac::Authorizer> policy;
  if (!o.req.args.empty()) {
    std::vector<std::string> warnings;
    auto request = ParseRequest(o.req.args[0], o.req.args[1], o.req.subresource, o.req.Namespace(), warnings);
    if (!request) return std::unexpected(request.error());
    auto loaded = LoadPolicy(o.state, warnings);
    if (!loaded) return std::unexpected(loaded.error());
    policy.emplace(std::move(*loaded));
    in.policy = &*policy;
    in.request = *request;
    in.request_text = RequestText(o.req);
  }
  json::object out = server::ExplainCaller(in);
  if (!caller->token.empty()) out["token"] = caller->token;
  return out;
}


// The request as /explain reads it: a SubjectAccessReview spec's attributes.
Result<json::object> RequestBody(const ExplainOptions& o) {
  json::object body;
  if (o.req.args.empty()) return body;
  std::vector<std::string> warnings;
  auto a = ParseRequest(o.req.args[0], o.req.args[1], o.req.subresource, o.req.Namespace(), warnings);
  if (!a) return std::unexpected(a.error());
  kubeapi::PutAttributes(*a, body);
  body["request"] = RequestText(o.req);
  return body;
}

// --server: the running server explains, as it sees things now. The caller's own token goes
// with the request, so only to an https server.
Result<json::object> ExplainOnServer(const ExplainOptions& o) {
  if (o.cluster_id.empty()) return Fail(ErrorCode::kInvalidArgument, "--server needs --cluster-id (your token is for that cluster)");
  if (!o.server.starts_with("https://")) return Fail(ErrorCode::kInvalidArgument, "--server must be an https:// URL");
  auto body = RequestBody(o);
  if (!body) return std::unexpected(body.error());
  auto own = MintTokenFor(o.cluster_id, o.sts_endpoint, "");
  if (!own) return std::unexpected(own.error().Wrap("minting a token with your own credentials"));
  if (!o.arn.empty()) {
    (*body)["arn"] = o.arn;
    (*body)["userId"] = o.user_id;
  } else {
    (*body)["token"] = o.token.empty() ? *own : o.token;
  }
  http::Request request{.method = "POST", .url = o.server + "/explain", .body = json::serialize(*body), .ca_file = o.server_ca};
  request.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + *own}};
  auto answer = http::Fetch(request);
  if (!answer) return std::unexpected(answer.error());
  boost::system::error_code ec;
  json::value doc = json::parse(answer->body, ec);
  if (ec || !doc.is_object()) return Fail(ErrorCode::kUpstream, o.server + " answered " + std::to_string(answer->status));
  if (answer->status != 200) {
    const json::value* error = doc.as_object().if_contains("error");
    return Fail(ErrorCode::kUpstream, o.server + " answered " + std::to_string(answer->status) + (error ? ": " + Str(*error) : ""));
  }
  return std::move(doc.as_object());
}

int Run(const ExplainOptions& o) {
  if (!o.req.args.empty() && o.req.args.size() != 2) {
    std::cerr << "kubeiam: give a request as VERB TYPE[/NAME] (or nothing, to explain authentication alone)\n";
    return 2;
  }
  auto doc = o.server.empty() ? Explain(o) : ExplainOnServer(o);
  if (!doc) {
    std::cerr << "kubeiam: " << doc.error().message << "\n";
    return doc.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  if (o.output == "json") {
    std::cout << json::serialize(*doc) << "\n";
  } else if (auto printed = PrintExplanation(*doc, std::cout); !printed) {
    std::cerr << "kubeiam: " << printed.error().message << "\n";
    return 1;
  }
  const json::value* ok = doc->if_contains("ok");
  return ok && ok->is_bool() && ok->as_bool() ? 0 : 1;
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
  cmd->add_option("--server", o->server, "Ask a running kubeiam serve (https://host:port) as an administrator");
  cmd->add_option("--server-ca", o->server_ca, "With --server: the CA bundle its certificate chains to");
  cmd->add_option("-i,--cluster-id", o->cluster_id, "With --server: the cluster ID your own token is for");
  cmd->add_option("--sts-endpoint", o->sts_endpoint, "With --server: the STS endpoint your token is presigned for");
  cmd->footer("With neither --token nor --arn, a token is minted with your own AWS credentials.");
  return [o] { return Run(*o); };
}

}  // namespace kubeiam::cli
