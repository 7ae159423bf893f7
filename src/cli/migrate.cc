// kubeiam migrate aws-auth.yaml [--target-authentication-mode API_AND_CONFIG_MAP|API]
//   [--apply] [--store PATH | --config FILE | --endpoint-url URL] [--cluster-name NAME] [-o json]
// The access entries equivalent to an aws-auth ConfigMap, by eksctl's migrate-to-access-entry
// rules: a plan first; with --apply, the entries and policies are written (the cluster is moved
// to API_AND_CONFIG_MAP first if needed, and to API only when no row would be left behind).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <iostream>

#include "aws/sigv4.h"
#include "cli/analysis.h"
#include "cli/commands.h"
#include "cli/eks_client.h"
#include "identity/migration.h"
#include "config/config.h"
#include "util/file.h"
#include "util/strings.h"

namespace kubeiam::cli {
namespace {

namespace json = boost::json;

struct Options {
  std::string file, target_mode = "API_AND_CONFIG_MAP", output;
  EksTarget target;
  bool apply = false;
};

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// Every principal ARN with an entry (lower case), following nextToken.
Result<std::set<std::string>> ExistingEntries(const EksClient& client, const std::string& cluster) {
  std::set<std::string> out;
  std::string token;
  do {
    std::string target = "/clusters/" + aws::UriEncode(cluster) + "/access-entries" +
                          (token.empty() ? "" : "?nextToken=" + aws::UriEncode(token));
    auto reply = client.Call("GET", target, "");
    if (!reply) return std::unexpected(reply.error());
    if (!reply->ok()) return Fail(ErrorCode::kUpstream, reply->Describe("ListAccessEntries"));
    json::value doc = json::parse(reply->body);
    for (const auto& a : doc.at("accessEntries").as_array()) out.insert(ToLower(std::string(a.as_string())));
    token = doc.as_object().contains("nextToken") ? std::string(doc.at("nextToken").as_string()) : "";
  } while (!token.empty());
  return out;
}

void PrintPlan(const identity::MigrationPlan& plan, bool json_out) {
  if (json_out) {
    json::array out;
    for (const auto& s : plan.steps) {
      json::array groups;
      for (const auto& g : s.entry.kubernetes_groups) groups.emplace_back(g);
      out.push_back(json::object{{"principalArn", s.row.arn}, {"action", s.create ? "create" : "skip"},
                                 {"type", s.create ? s.entry.type : ""}, {"username", s.entry.username},
                                 {"kubernetesGroups", std::move(groups)}, {"policyArn", s.policy_arn}, {"note", s.note},
                                 {"blocksApiMode", s.blocks_api}});
    }
    std::cout << json::serialize(json::object{{"steps", std::move(out)}, {"blocksApiMode", plan.blocks_api}}) << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows = {{"PRINCIPAL", "ACTION", "TYPE", "USERNAME", "GROUPS", "POLICY", "NOTE"}};
  for (const auto& s : plan.steps) {
    std::string policy = s.policy_arn.empty() ? "" : s.policy_arn.substr(s.policy_arn.rfind('/') + 1);
    rows.push_back({s.row.arn, s.create ? "create" : "skip", s.create ? s.entry.type : "", s.entry.username,
                    Join(s.entry.kubernetes_groups, ","), policy, s.note});
  }
  PrintTable(rows);
  if (plan.blocks_api) {
    std::cout << "\nSkipped rows above still need aws-auth: keep API_AND_CONFIG_MAP until they are handled.\n";
  }
}

int Run(Options o) {
  auto text = ReadFile(o.file);
  if (!text) {
    std::cerr << "error: " << text.error().message << "\n";
    return 2;
  }
  auto manifest = identity::AwsAuthManifest::Parse(*text);
  if (!manifest) {
    std::cerr << "error: " << o.file << ": " << manifest.error().message << "\n";
    return 1;
  }
  if (o.target_mode != "API" && o.target_mode != "API_AND_CONFIG_MAP") {
    std::cerr << "error: --target-authentication-mode must be API or API_AND_CONFIG_MAP\n";
    return 2;
  }
  bool has_target = !o.target.store.empty() || !o.target.config.empty() || !o.target.endpoint.empty();
  if (o.apply && !has_target) {
    std::cerr << "error: --apply needs where to write: --store PATH, --config FILE or --endpoint-url URL\n";
    return 2;
  }
  eks::ClusterInfo cluster{o.target.cluster, "", "us-east-1", "aws"};
  if (!o.target.config.empty()) {
    auto cfg = config::LoadConfig(o.target.config);
    if (!cfg) {
      std::cerr << "error: " << cfg.error().message << "\n";
      return 1;
    }
    if (cluster.name.empty()) cluster.name = cfg->cluster_id;
    cluster.partition = cfg->partition;
  }
  std::optional<EksClient> client;
  std::set<std::string> existing;
  if (has_target) {
    if (cluster.name.empty()) {
      std::cerr << "error: --cluster-name is required with --store or --endpoint-url\n";
      return 2;
    }
    o.target.cluster = cluster.name;
    auto opened = EksClient::Open(o.target);
    if (!opened) {
      std::cerr << "error: " << opened.error().message << "\n";
      return 1;
    }
    client = std::move(*opened);
    // On a CONFIG_MAP cluster there are no entries yet (and listing is refused).
    if (auto listed = ExistingEntries(*client, cluster.name)) existing = std::move(*listed);
  }
  auto plan = identity::PlanMigration(*manifest, existing, cluster);
  PrintPlan(plan, o.output == "json");
  if (!o.apply) return 0;

  auto call = [&](const std::string& op, const std::string& method, const std::string& target, const json::object& body) {
    auto reply = client->Call(method, target, json::serialize(body));
    if (!reply) {
      std::cerr << "error: " << reply.error().message << "\n";
      return false;
    }
    if (!reply->ok()) {
      std::cerr << reply->Describe(op) << "\n";
      return false;
    }
    return true;
  };
  std::string base = "/clusters/" + aws::UriEncode(cluster.name);
  auto described = client->Call("GET", base, "");
  if (!described || !described->ok()) {
    std::cerr << (described ? described->Describe("DescribeCluster") : "error: " + described.error().message) << "\n";
    return 1;
  }
  std::string mode(json::parse(described->body).at("cluster").at("accessConfig").at("authenticationMode").as_string());
  if (mode == "CONFIG_MAP") {
    if (!call("UpdateClusterConfig", "POST", base + "/update-config",
              json::object{{"accessConfig", json::object{{"authenticationMode", "API_AND_CONFIG_MAP"}}}})) {
      return 1;
    }
    std::cerr << "authentication mode: CONFIG_MAP -> API_AND_CONFIG_MAP\n";
  }
  int failures = 0;
  for (const auto& s : plan.steps) {
    if (!s.create) continue;
    json::object body{{"principalArn", s.entry.principal_arn}, {"type", s.entry.type}};
    if (!s.entry.username.empty()) body["username"] = s.entry.username;
    if (!s.entry.kubernetes_groups.empty()) {
      json::array g;
      for (const auto& x : s.entry.kubernetes_groups) g.emplace_back(x);
      body["kubernetesGroups"] = std::move(g);
    }
    std::string entry = base + "/access-entries/" + aws::UriEncode(s.entry.principal_arn);
    bool ok = call("CreateAccessEntry", "POST", base + "/access-entries", body);
    if (ok && !s.policy_arn.empty()) {
      ok = call("AssociateAccessPolicy", "POST", entry + "/access-policies",
                json::object{{"policyArn", s.policy_arn}, {"accessScope", json::object{{"type", "cluster"}}}});
    }
    if (ok) std::cerr << "created access entry for \"" << s.entry.principal_arn << "\"\n";
    failures += !ok;
  }
  if (failures > 0) {
    std::cerr << failures << " entries could not be written; the mode stays as it is\n";
    return 1;
  }
  if (o.target_mode == "API") {
    if (plan.blocks_api) {
      std::cerr << "not switching to API: the skipped rows would lose access\n";
      return 1;
    }
    if (!call("UpdateClusterConfig", "POST", base + "/update-config",
              json::object{{"accessConfig", json::object{{"authenticationMode", "API"}}}})) {
      return 1;
    }
    std::cerr << "authentication mode: API (aws-auth is no longer read; it can be deleted)\n";
  }
  return 0;
}

}  // namespace

Runner AddMigrateCommand(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("migrate", "The access entries equivalent to an aws-auth ConfigMap (plan, then --apply)");
  cmd->add_option("file", o->file, "aws-auth ConfigMap manifest")->required();
  cmd->add_option("--target-authentication-mode", o->target_mode, "API_AND_CONFIG_MAP (default) or API")->capture_default_str();
  cmd->add_flag("--apply", o->apply, "Write the entries (otherwise only print the plan)");
  AddEksTargetOptions(cmd, o->target);
  cmd->add_option("--cluster-name", o->target.cluster, "Cluster name (default: the config's clusterID)");
  cmd->add_option("-o,--output", o->output, "json")->check(CLI::IsMember({"json"}));
  return [o] { return Run(*o); };
}

}  // namespace kubeiam::cli
