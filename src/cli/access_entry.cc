// kubeiam access-entry create|describe|list|update|delete|associate-policy|disassociate-policy|
//   list-associated-policies|list-policies ...
// The EKS access API's operations with `aws eks`'s flags and JSON output, either through a
// server's API (--endpoint-url, signed with your AWS credentials as awscli signs them) or
// directly on a store file (--store PATH, or the store a --config names): the same code answers
// both, so the rules and errors are the same.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <iostream>

#include "aws/client_config.h"
#include "aws/credential_chain.h"
#include "aws/sigv4.h"
#include "cli/analysis.h"
#include "cli/commands.h"
#include "eks/access_policies.h"
#include "http/client.h"
#include "server/bootstrap.h"
#include "server/config.h"
#include "server/eks_api.h"
#include "util/strings.h"

namespace kubeiam::cli {
namespace {

namespace json = boost::json;

struct Options {
  std::string op;
  std::string store, config, endpoint, cluster, region, profile;
  std::string principal, username, type, policy, scope, associated_policy;
  std::vector<std::string> groups, tags;
  bool groups_given = false;
  int max_results = 0;
};

// awscli's shorthand: "type=namespace,namespaces=dev-*,qa" (values after a key's first one
// continue its list).
Result<json::object> ParseScope(const std::string& text) {
  json::object scope;
  json::array namespaces;
  std::string key;
  for (auto part : Split(text, ',')) {
    std::string item(Trim(part));
    size_t eq = item.find('=');
    if (eq != std::string::npos) {
      key = item.substr(0, eq);
      item = item.substr(eq + 1);
    }
    if (key == "type") {
      scope["type"] = item;
    } else if (key == "namespaces") {
      if (!item.empty()) namespaces.emplace_back(item);
    } else {
      return Fail(ErrorCode::kInvalidArgument, "--access-scope: unknown key \"" + key + "\" (expected type=..., namespaces=...)");
    }
  }
  if (!scope.contains("type")) return Fail(ErrorCode::kInvalidArgument, "--access-scope: type=cluster or type=namespace is required");
  scope["namespaces"] = std::move(namespaces);
  return scope;
}

struct Operation {
  std::string name;  // CreateAccessEntry, for error messages
  std::string method, target;
  json::object body;
};

std::string EntryPath(const Options& o) {
  return "/clusters/" + aws::UriEncode(o.cluster) + "/access-entries/" + aws::UriEncode(o.principal);
}

Result<Operation> Build(const Options& o) {
  auto need = [&](const std::string& v, const char* flag) -> Status {
    if (v.empty()) return Fail(ErrorCode::kInvalidArgument, std::string(flag) + " is required for " + o.op);
    return {};
  };
  if (o.op != "list-policies") {
    if (auto ok = need(o.cluster, "--cluster-name"); !ok) return std::unexpected(ok.error());
  }
  bool by_principal = o.op != "list" && o.op != "list-policies";
  if (by_principal) {
    if (auto ok = need(o.principal, "--principal-arn"); !ok) return std::unexpected(ok.error());
  }
  std::string entries = "/clusters/" + aws::UriEncode(o.cluster) + "/access-entries";
  json::array groups;
  for (const auto& g : o.groups) groups.emplace_back(g);
  std::string page = o.max_results > 0 ? "maxResults=" + std::to_string(o.max_results) : "";
  if (o.op == "create") {
    json::object b{{"principalArn", o.principal}};
    if (o.groups_given) b["kubernetesGroups"] = groups;
    if (!o.username.empty()) b["username"] = o.username;
    if (!o.type.empty()) b["type"] = o.type;
    json::object tags;
    for (const auto& t : o.tags) {
      size_t eq = t.find('=');
      if (eq == std::string::npos) return Fail(ErrorCode::kInvalidArgument, "--tags: expected KEY=VALUE, got \"" + t + "\"");
      tags[t.substr(0, eq)] = t.substr(eq + 1);
    }
    if (!tags.empty()) b["tags"] = std::move(tags);
    return Operation{"CreateAccessEntry", "POST", entries, std::move(b)};
  }
  if (o.op == "list") {
    std::string q = page;
    if (!o.associated_policy.empty()) q += (q.empty() ? "" : "&") + std::string("associatedPolicyArn=") + aws::UriEncode(o.associated_policy);
    return Operation{"ListAccessEntries", "GET", entries + (q.empty() ? "" : "?" + q), {}};
  }
  if (o.op == "describe") return Operation{"DescribeAccessEntry", "GET", EntryPath(o), {}};
  if (o.op == "delete") return Operation{"DeleteAccessEntry", "DELETE", EntryPath(o), {}};
  if (o.op == "update") {
    json::object b;
    if (o.groups_given) b["kubernetesGroups"] = groups;
    if (!o.username.empty()) b["username"] = o.username;
    return Operation{"UpdateAccessEntry", "POST", EntryPath(o), std::move(b)};
  }
  // Policies may be named (AmazonEKSViewPolicy) as well as given by ARN.
  std::string policy = o.policy;
  if (const eks::AccessPolicy* p = eks::FindPolicy(policy); p && !policy.starts_with("arn:")) policy = p->Arn();
  if (o.op == "associate-policy") {
    if (auto ok = need(policy, "--policy-arn"); !ok) return std::unexpected(ok.error());
    if (auto ok = need(o.scope, "--access-scope"); !ok) return std::unexpected(ok.error());
    auto scope = ParseScope(o.scope);
    if (!scope) return std::unexpected(scope.error());
    return Operation{"AssociateAccessPolicy", "POST", EntryPath(o) + "/access-policies",
                     json::object{{"policyArn", policy}, {"accessScope", std::move(*scope)}}};
  }
  if (o.op == "disassociate-policy") {
    if (auto ok = need(policy, "--policy-arn"); !ok) return std::unexpected(ok.error());
    return Operation{"DisassociateAccessPolicy", "DELETE", EntryPath(o) + "/access-policies/" + aws::UriEncode(policy), {}};
  }
  if (o.op == "list-associated-policies") {
    return Operation{"ListAssociatedAccessPolicies", "GET",
                     EntryPath(o) + "/access-policies" + (page.empty() ? "" : "?" + page), {}};
  }
  return Operation{"ListAccessPolicies", "GET", "/access-policies" + (page.empty() ? "" : "?" + page), {}};
}

// Through a server's API: SigV4 (service eks) with the caller's AWS credentials.
Result<http::Response> ViaApi(const Options& o, const Operation& op, const std::string& body) {
  auto client = aws::ResolveClientConfig({o.profile, o.region, ""});
  if (!client) return std::unexpected(client.error());
  auto creds = aws::ResolveCredentials({*client, Clock::now(), nullptr});
  if (!creds) return std::unexpected(creds.error());
  std::string base = o.endpoint;
  while (base.ends_with("/")) base.pop_back();
  size_t scheme = base.find("://");
  std::string host = scheme == std::string::npos ? base : base.substr(scheme + 3);
  host = host.substr(0, host.find('/'));
  aws::SignableRequest sr;
  sr.method = op.method;
  std::string path = op.target.substr(0, op.target.find('?'));
  sr.path = path;
  if (size_t q = op.target.find('?'); q != std::string::npos) {
    auto query = aws::ParseQuery(op.target.substr(q + 1));
    if (query) sr.query = *query;
  }
  sr.headers = {{"Host", host}, {"Content-Type", "application/json"}};
  sr.body = body;
  aws::SignHeaders(sr, *creds, {client->region, "eks", Clock::now()});
  http::Request req;
  req.method = op.method;
  req.url = base + op.target;
  req.headers = sr.headers;
  req.body = body;
  req.ca_file = client->ca_bundle;
  return http::Fetch(req);
}

int Run(const Options& o) {
  auto op = Build(o);
  if (!op) {
    std::cerr << "error: " << op.error().message << "\n";
    return 2;
  }
  std::string body = op->body.empty() && op->method != "POST" ? "" : json::serialize(op->body);
  int status = 0;
  std::string answer, error_type;
  if (!o.endpoint.empty()) {
    if (!o.store.empty()) {
      std::cerr << "error: --endpoint-url and --store are mutually exclusive\n";
      return 2;
    }
    auto r = ViaApi(o, *op, body);
    if (!r) {
      std::cerr << "error: " << r.error().message << "\n";
      return 1;
    }
    status = r->status;
    answer = r->body;
    if (const std::string* t = r->Header("x-amzn-ErrorType")) error_type = t->substr(0, t->find(':'));
  } else {
    // Directly on the store: the file's permissions are the authority.
    std::string path = o.store;
    std::optional<server::Config> cfg;
    if (!o.config.empty()) {
      auto loaded = server::LoadConfig(o.config);
      if (!loaded) {
        std::cerr << "error: " << loaded.error().message << "\n";
        return 1;
      }
      cfg = std::move(*loaded);
      if (path.empty()) path = cfg->access_entries_store;
    }
    if (path.empty()) {
      std::cerr << "error: name the store: --store PATH, --config FILE (with server.accessEntriesStore or eksAPI), or "
                   "--endpoint-url URL\n";
      return 2;
    }
    server::Config seed_config = cfg.value_or(server::Config{});
    seed_config.access_entries_store = path;
    if (!cfg) {
      seed_config.cluster_id = o.cluster;
      seed_config.authentication_mode = eks::AuthenticationMode::kApiAndConfigMap;
    }
    auto store = server::OpenStore(seed_config);
    if (!store) {
      std::cerr << "error: " << store.error().message << "\n";
      return 1;
    }
    // With --config, the server's own system:masters mappings count against a lock-out.
    std::vector<identity::Backend> chain;
    if (cfg) {
      StateOptions state;
      state.config = o.config;
      if (auto m = LoadMappings(state)) chain = m->chain;
    }
    server::EksApi api(*store, [chain](eks::AuthenticationMode m) { return state::MappedAdministrators(chain, m); });
    server::HttpResponse r = api.Handle({op->method, op->target, {}, body, "local"});
    status = r.status;
    answer = r.body;
    for (const auto& [k, v] : r.headers) {
      if (EqualsIgnoreCase(k, "x-amzn-ErrorType")) error_type = v;
    }
  }
  if (status / 100 != 2) {
    boost::system::error_code ec;
    json::value doc = json::parse(answer, ec);
    std::string message = !ec && doc.is_object() && doc.as_object().contains("message") && doc.at("message").is_string()
                              ? std::string(doc.at("message").as_string())
                              : answer;
    std::cerr << "An error occurred (" << (error_type.empty() ? "HTTP " + std::to_string(status) : error_type)
              << ") when calling the " << op->name << " operation: " << message << "\n";
    return 1;
  }
  // As aws eks: delete and disassociate print nothing.
  if (answer != "{}") std::cout << answer << "\n";
  return 0;
}

}  // namespace

Runner AddAccessEntryCommand(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("access-entry", "EKS access entries: through a server's API or directly on a store");
  cmd->require_subcommand(1);
  struct Sub {
    const char* name;
    const char* help;
  } subs[] = {
      {"create", "Create an access entry (aws eks create-access-entry)"},
      {"describe", "Show an access entry"},
      {"list", "List the principals with access entries"},
      {"update", "Replace an entry's kubernetesGroups and/or username"},
      {"delete", "Delete an access entry and its policy associations"},
      {"associate-policy", "Associate an access policy with a scope (again: replaces the scope)"},
      {"disassociate-policy", "Remove one policy association"},
      {"list-associated-policies", "List an entry's policy associations"},
      {"list-policies", "List the access policies EKS offers"},
  };
  for (const auto& s : subs) {
    auto* sub = cmd->add_subcommand(s.name, s.help);
    sub->callback([o, name = std::string(s.name)] { o->op = name; });
    sub->add_option("--store", o->store, "The SQLite store file to work on directly");
    sub->add_option("--config", o->config, "A server config naming the store (its system:masters mappings count too)");
    sub->add_option("--endpoint-url", o->endpoint, "A kubeiam serve EKS API, e.g. https://127.0.0.1:21365");
    sub->add_option("--region", o->region, "Region to sign API requests for");
    sub->add_option("--profile", o->profile, "AWS profile to sign API requests with");
    sub->add_option("--max-results", o->max_results, "Page size for list operations (1-100)");
    std::string n = s.name;
    if (n != "list-policies") sub->add_option("--cluster-name", o->cluster, "Cluster name (the clusterID)");
    if (n != "list" && n != "list-policies") sub->add_option("--principal-arn", o->principal, "IAM user or role ARN");
    if (n == "create" || n == "update") {
      sub->add_option("--kubernetes-groups", o->groups, "Kubernetes groups (space-separated or repeated)")
          ->each([o](const std::string&) { o->groups_given = true; });
      sub->add_option("--username", o->username, "Kubernetes username (templates like {{SessionName}} allowed)");
    }
    if (n == "create") {
      sub->add_option("--type", o->type, "STANDARD (default), EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, EC2, HYBRID_LINUX, ...");
      sub->add_option("--tags", o->tags, "KEY=VALUE tags");
    }
    if (n == "associate-policy" || n == "disassociate-policy") {
      sub->add_option("--policy-arn", o->policy, "Policy ARN or name, e.g. AmazonEKSViewPolicy");
    }
    if (n == "associate-policy") sub->add_option("--access-scope", o->scope, "type=cluster or type=namespace,namespaces=a,b-*");
    if (n == "list") sub->add_option("--associated-policy-arn", o->associated_policy, "Only entries with this policy");
  }
  return [o] { return Run(*o); };
}

}  // namespace kubeiam::cli
