// kubeiam update-kubeconfig --name NAME: `aws eks update-kubeconfig` with `kubeiam token` as the
// credential plugin. DescribeCluster (SigV4, the EKS endpoint from --endpoint-url,
// AWS_ENDPOINT_URL_EKS or the region) gives the endpoint and CA; the cluster, user and context
// are added to (or replace same-named entries of) the kubeconfig, which becomes the current
// context; the file is written 0600. The same flags and messages as awscli.
#include <yaml-cpp/yaml.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <iostream>

#include "aws/client_config.h"
#include "aws/sigv4.h"
#include "cli/commands.h"
#include "cli/eks_client.h"
#include "kubeclient/kubeconfig.h"
#include "util/file.h"

namespace kubeiam::cli {
namespace {

namespace json = boost::json;

struct Options {
  std::string name, region, role_arn, alias, user_alias, kubeconfig, profile, endpoint;
  bool dry_run = false, verbose = false;
};

struct Cluster {
  std::string arn, endpoint, ca_data, region;
};

Result<Cluster> Describe(const Options& o) {
  auto cfg = aws::ResolveClientConfig({o.profile, o.region, ""});
  if (!cfg) return std::unexpected(cfg.error());
  auto url = aws::ResolveEksUrl(cfg->region, o.endpoint, cfg->shared, cfg->profile);
  if (!url) return std::unexpected(url.error());
  auto client = EksClient::Open(EksTarget{.endpoint = *url, .region = cfg->region, .profile = o.profile});
  if (!client) return std::unexpected(client.error());
  auto reply = client->Call("GET", "/clusters/" + aws::UriEncode(o.name), "");
  if (!reply) return std::unexpected(reply.error());
  if (!reply->ok()) return Fail(ErrorCode::kUpstream, reply->Describe("DescribeCluster"));
  boost::system::error_code ec;
  json::value doc = json::parse(reply->body, ec);
  const json::value* c = ec || !doc.is_object() ? nullptr : doc.as_object().if_contains("cluster");
  const json::object* cluster = c ? c->if_object() : nullptr;
  auto text = [&](const json::object* o, const char* key) {
    const json::value* v = o ? o->if_contains(key) : nullptr;
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  const json::value* ca = cluster ? cluster->if_contains("certificateAuthority") : nullptr;
  Cluster out{text(cluster, "arn"), text(cluster, "endpoint"), text(ca ? ca->if_object() : nullptr, "data"), cfg->region};
  if (out.arn.empty()) return Fail(ErrorCode::kUpstream, "DescribeCluster answered no cluster ARN");
  if (out.endpoint.empty() || out.ca_data.empty()) {
    return Fail(ErrorCode::kUpstream, "Cluster status is not ACTIVE: cluster " + o.name + " has no endpoint yet");
  }
  return out;
}

YAML::Node Named(const std::string& name, const char* field, const YAML::Node& body) {
  YAML::Node n;
  n["name"] = name;
  n[field] = body;
  return n;
}

YAML::Node UserEntry(const Options& o, const Cluster& c) {
  YAML::Node exec;
  exec["apiVersion"] = "client.authentication.k8s.io/v1beta1";
  exec["command"] = "kubeiam";
  std::vector<std::string> args = {"token", "--cluster-name", o.name, "--region", c.region};
  if (!o.role_arn.empty()) args.insert(args.end(), {"--role-arn", o.role_arn});
  exec["args"] = args;
  exec["interactiveMode"] = "Never";
  if (!o.profile.empty()) {
    YAML::Node var;
    var["name"] = "AWS_PROFILE";
    var["value"] = o.profile;
    exec["env"].push_back(var);
  }
  YAML::Node user;
  user["exec"] = exec;
  return user;
}

// Replaces the entry named like `entry` in doc[list], or appends it. True when it replaced one.
bool Upsert(YAML::Node doc, const char* list, const YAML::Node& entry) {
  YAML::Node items = doc[list];
  if (!items.IsSequence()) items = YAML::Node(YAML::NodeType::Sequence);
  YAML::Node out(YAML::NodeType::Sequence);
  bool replaced = false;
  for (const auto& item : items) {
    bool same = item.IsMap() && item["name"] && item["name"].as<std::string>() == entry["name"].as<std::string>();
    out.push_back(same ? entry : item);
    replaced |= same;
  }
  if (!replaced) out.push_back(entry);
  doc[list] = out;
  return replaced;
}

Result<YAML::Node> LoadOrNew(const std::string& path) {
  auto text = ReadFile(path);
  if (!text && text.error().code != ErrorCode::kNotFound) return std::unexpected(text.error());
  YAML::Node doc;
  try {
    if (text) doc = YAML::Load(*text);
  } catch (const YAML::Exception& e) {
    return Fail(ErrorCode::kInvalidArgument, path + ": line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (doc.IsNull() || !doc.IsDefined()) {
    doc = YAML::Node(YAML::NodeType::Map);
    doc["apiVersion"] = "v1";
    doc["clusters"] = YAML::Node(YAML::NodeType::Sequence);
    doc["contexts"] = YAML::Node(YAML::NodeType::Sequence);
    doc["current-context"] = "";
    doc["kind"] = "Config";
    doc["preferences"] = YAML::Node(YAML::NodeType::Map);
    doc["users"] = YAML::Node(YAML::NodeType::Sequence);
  }
  if (!doc.IsMap()) return Fail(ErrorCode::kInvalidArgument, path + ": not a kubeconfig (a YAML map)");
  return doc;
}

int Run(const Options& o) {
  auto cluster = Describe(o);
  if (!cluster) {
    std::cerr << "\n" << cluster.error().message << "\n";
    return cluster.error().code == ErrorCode::kUpstream ? 254 : 255;
  }
  std::string path = o.kubeconfig.empty() ? kubeclient::KubeconfigFiles({}).front() : o.kubeconfig;
  auto doc = LoadOrNew(path);
  if (!doc) {
    std::cerr << "\n" << doc.error().message << "\n";
    return 255;
  }
  std::string context = o.alias.empty() ? cluster->arn : o.alias;
  std::string user = o.user_alias.empty() ? cluster->arn : o.user_alias;
  YAML::Node cluster_body, context_body;
  cluster_body["certificate-authority-data"] = cluster->ca_data;
  cluster_body["server"] = cluster->endpoint;
  context_body["cluster"] = cluster->arn;
  context_body["user"] = user;
  Upsert(*doc, "clusters", Named(cluster->arn, "cluster", cluster_body));
  bool updated = Upsert(*doc, "contexts", Named(context, "context", context_body));
  Upsert(*doc, "users", Named(user, "user", UserEntry(o, *cluster)));
  (*doc)["current-context"] = context;
  YAML::Emitter out;
  out << *doc;
  std::string text = std::string(out.c_str()) + "\n";
  if (o.dry_run) {
    std::cout << text;
    return 0;
  }
  if (auto dir = std::filesystem::path(path).parent_path(); !dir.empty()) std::filesystem::create_directories(dir);
  if (auto ok = WriteFileAtomic(path, text, 0600); !ok) {
    std::cerr << "\n" << ok.error().message << "\n";
    return 255;
  }
  std::cout << (updated ? "Updated context " + context + " in " : "Added new context " + context + " to ") << path << "\n";
  return 0;
}

}  // namespace

Runner AddUpdateKubeconfigCommand(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("update-kubeconfig",
                                 "Add an EKS (or kubeiam) cluster to a kubeconfig, with kubeiam token as its credential plugin");
  cmd->add_option("--name,--cluster-name", o->name, "The cluster's name (aws eks update-kubeconfig's --name)")->required();
  cmd->add_option("--region", o->region, "AWS region of the cluster (and of the token's STS)");
  cmd->add_option("--role-arn", o->role_arn, "An IAM role the token assumes first");
  cmd->add_option("--alias", o->alias, "The context's name (default: the cluster ARN)");
  cmd->add_option("--user-alias", o->user_alias, "The user's name (default: the cluster ARN)");
  cmd->add_option("--kubeconfig", o->kubeconfig, "The kubeconfig to write (default: KUBECONFIG's first file, ~/.kube/config)");
  cmd->add_option("--profile", o->profile, "AWS profile for DescribeCluster and the token (set as AWS_PROFILE)");
  cmd->add_option("--endpoint-url", o->endpoint, "EKS API endpoint (default: AWS_ENDPOINT_URL_EKS, or the region's)");
  cmd->add_flag("--dry-run", o->dry_run, "Print the kubeconfig instead of writing it");
  return [o] { return Run(*o); };
}

}  // namespace kubeiam::cli
