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
#include <set>

#include "aws/sigv4.h"
#include "cli/analysis.h"
#include "cli/aws_output.h"
#include "cli/commands.h"
#include "cli/eks_client.h"
#include "eks/access_policies.h"
#include "util/strings.h"

namespace kubeiam::cli {
namespace {

namespace json = boost::json;

struct Options {
  std::string op;
  EksTarget target;  // where the operation goes; target.cluster is --cluster-name
  std::string principal, username, type, policy, scope, associated_policy, mode;
  std::vector<std::string> groups, tags;
  bool groups_given = false;
  std::string output = "json";  // --output, as aws eks
  int max_results = 0;  // one page of this size (awscli prints it as it came)
  int page_size = 0;    // every page, read this many at a time (awscli's --page-size)
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
  std::string name;  // CreateAccessEntry, for error messages and the table's title
  std::string method, target;
  json::object body;
};

std::string EntryPath(const Options& o) {
  return "/clusters/" + aws::UriEncode(o.target.cluster) + "/access-entries/" + aws::UriEncode(o.principal);
}

Result<Operation> Build(const Options& o) {
  auto need = [&](const std::string& v, const char* flag) -> Status {
    if (v.empty()) return Fail(ErrorCode::kInvalidArgument, std::string(flag) + " is required for " + o.op);
    return {};
  };
  if (o.op != "list-policies") {
    if (auto ok = need(o.target.cluster, "--cluster-name"); !ok) return std::unexpected(ok.error());
  }
  if (o.op == "describe-cluster") return Operation{"DescribeCluster", "GET", "/clusters/" + aws::UriEncode(o.target.cluster), {}};
  if (o.op == "update-cluster-config") {
    if (auto ok = need(o.mode, "--authentication-mode"); !ok) return std::unexpected(ok.error());
    return Operation{"UpdateClusterConfig", "POST", "/clusters/" + aws::UriEncode(o.target.cluster) + "/update-config",
                     json::object{{"accessConfig", json::object{{"authenticationMode", o.mode}}}}};
  }
  bool by_principal = o.op != "list" && o.op != "list-policies";
  if (by_principal) {
    if (auto ok = need(o.principal, "--principal-arn"); !ok) return std::unexpected(ok.error());
  }
  std::string entries = "/clusters/" + aws::UriEncode(o.target.cluster) + "/access-entries";
  json::array groups;
  for (const auto& g : o.groups) groups.emplace_back(g);
  int size = o.max_results > 0 ? o.max_results : o.page_size;
  std::string page = size > 0 ? "maxResults=" + std::to_string(size) : "";
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

// The list a paginated operation's pages add up, as awscli names it; "" for other operations.
std::string ResultKey(const std::string& operation) {
  if (operation == "ListAccessEntries") return "accessEntries";
  if (operation == "ListAccessPolicies") return "accessPolicies";
  if (operation == "ListAssociatedAccessPolicies") return "associatedAccessPolicies";
  return "";
}

// As awscli pages: with no --max-results, every page is read, and the answer is the whole list
// first, then the other fields, without nextToken. With --max-results, the one page as it came.
Result<EksReply> CallAllPages(const EksClient& client, const Operation& op) {
  std::string key = ResultKey(op.name);
  auto reply = client.Call(op.method, op.target, "");
  if (!reply || !reply->ok()) return reply;
  boost::system::error_code ec;
  json::value page = json::parse(reply->body, ec);
  if (ec || !page.is_object()) return reply;
  json::array all;
  json::object rest;
  std::set<std::string> tokens;  // a token seen twice would page forever (botocore refuses it too)
  for (int pages = 1;; ++pages) {
    json::object& fields = page.as_object();
    if (const auto* items = fields.if_contains(key); items && items->is_array()) {
      for (const auto& item : items->as_array()) all.push_back(item);
    }
    const auto* token = fields.if_contains("nextToken");
    std::string next = token && token->is_string() ? std::string(token->as_string()) : "";
    for (const auto& [k, v] : fields) {
      if (k != key && k != "nextToken") rest[k] = v;
    }
    if (next.empty()) break;
    if (!tokens.insert(next).second) return Fail(ErrorCode::kUpstream, op.name + ": the same nextToken was received twice");
    if (pages >= 10000) return Fail(ErrorCode::kUpstream, op.name + ": more than 10000 pages");
    std::string target = op.target + (op.target.find('?') == std::string::npos ? "?" : "&") + "nextToken=" + aws::UriEncode(next);
    reply = client.Call(op.method, target, "");
    if (!reply || !reply->ok()) return reply;
    page = json::parse(reply->body, ec);
    if (ec || !page.is_object()) return Fail(ErrorCode::kInternal, op.name + ": a page that is not a JSON object");
  }
  json::object whole{{key, std::move(all)}};
  for (auto& [k, v] : rest) whole[k] = std::move(v);
  reply->body = json::serialize(whole);
  return reply;
}

int Run(const Options& o) {
  auto op = Build(o);
  auto output = ParseAwsOutput(o.output);
  if (!op || !output) {
    std::cerr << "kubeiam: " << (op ? output.error() : op.error()).message << "\n";
    return 2;
  }
  auto client = EksClient::Open(o.target);
  if (!client) {
    std::cerr << "kubeiam: " << client.error().message << "\n";
    return client.error().code == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  std::string body = op->body.empty() && op->method != "POST" ? "" : json::serialize(op->body);
  bool every_page = !ResultKey(op->name).empty() && o.max_results == 0;
  auto reply = every_page ? CallAllPages(*client, *op) : client->Call(op->method, op->target, body);
  if (!reply) {
    std::cerr << "kubeiam: " << reply.error().message << "\n";
    return 1;
  }
  if (!reply->ok()) {
    std::cerr << reply->Describe(op->name) << "\n";
    return 1;
  }
  // As aws eks: delete and disassociate print nothing.
  if (reply->body != "{}") std::cout << FormatAwsAnswer(reply->body, *output, op->name, StdoutTerminalWidth());
  return 0;
}

}  // namespace

Runner AddAccessEntryCommand(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("access-entry", "EKS access entries: through a server's API or directly on a store");
  cmd->require_subcommand(1);
  // Each also answers to `aws eks`'s name for it.
  struct Sub {
    const char* name;
    const char* aws_name;
    const char* help;
  } subs[] = {
      {"create", "create-access-entry", "Create an access entry (aws eks create-access-entry)"},
      {"describe", "describe-access-entry", "Show an access entry"},
      {"list", "list-access-entries", "List the principals with access entries"},
      {"update", "update-access-entry", "Replace an entry's kubernetesGroups and/or username"},
      {"delete", "delete-access-entry", "Delete an access entry and its policy associations"},
      {"associate-policy", "associate-access-policy", "Associate an access policy with a scope (again: replaces the scope)"},
      {"disassociate-policy", "disassociate-access-policy", "Remove one policy association"},
      {"list-associated-policies", "list-associated-access-policies", "List an entry's policy associations"},
      {"list-policies", "list-access-policies", "List the access policies EKS offers"},
      {"describe-cluster", "", "The cluster's access configuration (authentication mode)"},
      {"update-cluster-config", "", "Change the authentication mode (one-way: CONFIG_MAP -> API_AND_CONFIG_MAP -> API)"},
  };
  for (const auto& s : subs) {
    auto* sub = cmd->add_subcommand(s.name, s.help);
    if (*s.aws_name) sub->alias(s.aws_name);
    sub->callback([o, name = std::string(s.name)] { o->op = name; });
    AddEksTargetOptions(sub, o->target);
    sub->add_option("--max-results", o->max_results, "List operations: one page of this size (1-100), with its nextToken");
    sub->add_option("--page-size", o->page_size, "List operations: read every page, this many at a time (1-100)");
    sub->add_option("--output", o->output, "json (default, indented, timestamps in ISO 8601), text, table or yaml, as aws eks");
    std::string n = s.name;
    bool cluster_op = n == "describe-cluster" || n == "update-cluster-config";
    // aws eks names the cluster --name in its cluster operations: both spellings work there.
    if (n != "list-policies") {
      sub->add_option(cluster_op ? "--cluster-name,--name" : "--cluster-name", o->target.cluster, "Cluster name (the clusterID)");
    }
    if (n != "list" && n != "list-policies" && !cluster_op) {
      sub->add_option("--principal-arn", o->principal, "IAM user or role ARN");
    }
    if (n == "update-cluster-config") {
      sub->add_option("--authentication-mode", o->mode, "API_AND_CONFIG_MAP or API");
    }
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
