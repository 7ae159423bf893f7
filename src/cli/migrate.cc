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

// Prints a failure's line to stderr and gives the exit code.
int Report(const std::string& line, int exit_code) {
  std::cerr << line << "\n";
  return exit_code;
}

bool HasTarget(const EksTarget& t) { return !t.store.empty() || !t.config.empty() || !t.endpoint.empty(); }

// The checks on the flags alone; the error is the line to print.
Status CheckFlags(const Options& o) {
  if (o.target_mode != "API" && o.target_mode != "API_AND_CONFIG_MAP") {
    return Fail(ErrorCode::kInvalidArgument, "kubeiam: --target-authentication-mode must be API or API_AND_CONFIG_MAP");
  }
  if (o.apply && !HasTarget(o.target)) {
    return Fail(ErrorCode::kInvalidArgument,
                "kubeiam: --apply needs where to write: --store PATH, --config FILE or --endpoint-url URL");
  }
  return {};
}

// The cluster's name and partition: --cluster-name, else the config's clusterID and partition.
Result<eks::ClusterInfo> ResolveCluster(const EksTarget& target) {
  eks::ClusterInfo cluster{target.cluster, "", "us-east-1", "aws"};
  if (target.config.empty()) return cluster;
  auto cfg = config::LoadConfig(target.config);
  if (!cfg) return std::unexpected(cfg.error());
  if (cluster.name.empty()) cluster.name = cfg->cluster_id;
  cluster.partition = cfg->partition;
  return cluster;
}

// One call to the EKS API; the error is the line to print (the API's error as awscli prints it).
Status CallEks(const EksClient& client, const std::string& op, const std::string& method, const std::string& target,
               const json::object& body) {
  auto reply = client.Call(method, target, json::serialize(body));
  if (!reply) return Fail(reply.error().code, "kubeiam: " + reply.error().message);
  if (!reply->ok()) return Fail(ErrorCode::kUpstream, reply->Describe(op));
  return {};
}

Status SetAuthenticationMode(const EksClient& client, const std::string& base, const char* mode) {
  return CallEks(client, "UpdateClusterConfig", "POST", base + "/update-config",
                 json::object{{"accessConfig", json::object{{"authenticationMode", mode}}}});
}

// The cluster's authentication mode, from DescribeCluster.
Result<std::string> DescribeAuthenticationMode(const EksClient& client, const std::string& base) {
  auto described = client.Call("GET", base, "");
  if (!described) return Fail(described.error().code, "kubeiam: " + described.error().message);
  if (!described->ok()) return Fail(ErrorCode::kUpstream, described->Describe("DescribeCluster"));
  return std::string(json::parse(described->body).at("cluster").at("accessConfig").at("authenticationMode").as_string());
}

// Moves a CONFIG_MAP cluster to API_AND_CONFIG_MAP, where access entries can be written.
Status EnableAccessEntries(const EksClient& client, const std::string& base) {
  auto mode = DescribeAuthenticationMode(client, base);
  if (!mode) return std::unexpected(mode.error());
  if (*mode != "CONFIG_MAP") return {};
  if (auto updated = SetAuthenticationMode(client, base, "API_AND_CONFIG_MAP"); !updated) return updated;
  std::cerr << "authentication mode: CONFIG_MAP -> API_AND_CONFIG_MAP\n";
  return {};
}

json::object CreateAccessEntryBody(const eks::NewAccessEntry& entry) {
  json::object body{{"principalArn", entry.principal_arn}, {"type", entry.type}};
  if (!entry.username.empty()) body["username"] = entry.username;
  if (!entry.kubernetes_groups.empty()) {
    json::array g;
    for (const auto& x : entry.kubernetes_groups) g.emplace_back(x);
    body["kubernetesGroups"] = std::move(g);
  }
  return body;
}

// Creates one planned entry and associates its policy, if any.
Status CreatePlannedEntry(const EksClient& client, const std::string& base, const identity::MigrationStep& s) {
  std::string entry = base + "/access-entries/" + aws::UriEncode(s.entry.principal_arn);
  if (auto created = CallEks(client, "CreateAccessEntry", "POST", base + "/access-entries", CreateAccessEntryBody(s.entry));
      !created) {
    return created;
  }
  if (s.policy_arn.empty()) return {};
  return CallEks(client, "AssociateAccessPolicy", "POST", entry + "/access-policies",
                 json::object{{"policyArn", s.policy_arn}, {"accessScope", json::object{{"type", "cluster"}}}});
}

// Creates every planned entry, going on past failures; returns how many failed.
int CreatePlannedEntries(const EksClient& client, const std::string& base, const identity::MigrationPlan& plan) {
  int failures = 0;
  for (const auto& s : plan.steps) {
    if (!s.create) continue;
    auto created = CreatePlannedEntry(client, base, s);
    if (created) {
      std::cerr << "created access entry for \"" << s.entry.principal_arn << "\"\n";
    } else {
      std::cerr << created.error().message << "\n";
    }
    failures += !created;
  }
  return failures;
}

// Moves the cluster to API, unless skipped rows still need aws-auth.
Status SwitchToApi(const EksClient& client, const std::string& base, const identity::MigrationPlan& plan) {
  if (plan.blocks_api) return Fail(ErrorCode::kInvalidArgument, "not switching to API: the skipped rows would lose access");
  if (auto updated = SetAuthenticationMode(client, base, "API"); !updated) return updated;
  std::cerr << "authentication mode: API (aws-auth is no longer read; it can be deleted)\n";
  return {};
}

// --apply: API_AND_CONFIG_MAP first if needed, the entries, then API when asked and safe. The
// error is the line to print.
Status Apply(const EksClient& client, const std::string& cluster_name, const identity::MigrationPlan& plan,
             const std::string& target_mode) {
  std::string base = "/clusters/" + aws::UriEncode(cluster_name);
  if (auto enabled = EnableAccessEntries(client, base); !enabled) return enabled;
  if (int failures = CreatePlannedEntries(client, base, plan); failures > 0) {
    return Fail(ErrorCode::kUpstream, std::to_string(failures) + " entries could not be written; the mode stays as it is");
  }
  if (target_mode == "API") return SwitchToApi(client, base, plan);
  return {};
}

int Run(Options o) {
  auto text = ReadFile(o.file);
  if (!text) return Report("kubeiam: " + text.error().message, 2);
  auto manifest = identity::AwsAuthManifest::Parse(*text, o.file);
  if (!manifest) return Report("kubeiam: " + manifest.error().message, 1);
  if (auto flags = CheckFlags(o); !flags) return Report(flags.error().message, 2);
  auto cluster = ResolveCluster(o.target);
  if (!cluster) return Report("kubeiam: " + cluster.error().message, 1);
  std::optional<EksClient> client;
  std::set<std::string> existing;
  if (HasTarget(o.target)) {
    if (cluster->name.empty()) return Report("kubeiam: --cluster-name is required with --store or --endpoint-url", 2);
    o.target.cluster = cluster->name;
    auto opened = EksClient::Open(o.target);
    if (!opened) return Report("kubeiam: " + opened.error().message, 1);
    client = std::move(*opened);
    // On a CONFIG_MAP cluster there are no entries yet (and listing is refused).
    if (auto listed = ExistingEntries(*client, cluster->name)) existing = std::move(*listed);
  }
  auto plan = identity::PlanMigration(*manifest, existing, *cluster);
  PrintPlan(plan, o.output == "json");
  if (!o.apply) return 0;
  if (auto applied = Apply(*client, cluster->name, plan, o.target_mode); !applied) return Report(applied.error().message, 1);
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
