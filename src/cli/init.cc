// kubeiam init --cluster-id ID --state-dir DIR [--admin-arn ARN] [--authentication-mode M]: the
// CA, the server certificate, the API server's webhook kubeconfigs, and (when absent) a starter
// config.yaml. As EKS does for the cluster creator (spec/eks-access.md §1.4): with access
// entries on (the default, API_AND_CONFIG_MAP), --admin-arn becomes a visible, deletable access
// entry with AmazonEKSClusterAdminPolicy in the store; under CONFIG_MAP, a system:masters
// mapping in the config.
#include <iostream>

#include "aws/arn.h"
#include "eks/cluster_access.h"
#include "server/startup.h"
#include "config/config.h"
#include "cli/commands.h"
#include "server/tls_material.h"
#include "util/file.h"

namespace kubeiam::cli {
namespace {

struct InitOptions {
  std::string cluster_id, state_dir, admin_arn, address = "127.0.0.1", hostname = "localhost";
  std::string mode = "API_AND_CONFIG_MAP";
  int port = 21362, eks_api_port = 21365;
};

int Report(const std::string& message, int exit_code) {
  std::cerr << "kubeiam: " << message << "\n";
  return exit_code;
}

// The --admin-arn as entries and mappings name it (an assumed-role ARN names its role); empty
// without one.
Result<std::string> CanonicalAdmin(const std::string& admin_arn) {
  if (admin_arn.empty()) return admin_arn;
  auto c = aws::Canonicalize(admin_arn);
  if (!c) return std::unexpected(c.error());
  return c->canonical_arn;
}

// A starter config.yaml; under CONFIG_MAP, the administrator's system:masters mapping in it.
std::string StarterConfig(const InitOptions& o, const std::string& admin, bool entries) {
  std::string text = "clusterID: " + o.cluster_id + "\nserver:\n  address: " + o.address +
                     "\n  port: " + std::to_string(o.port) + "\n  hostname: " + o.hostname + "\n  stateDir: .\n" +
                     "  authenticationMode: " + o.mode + "\n";
  if (!admin.empty() && !entries) {
    std::string key = admin.find(":user/") != std::string::npos ? "userarn" : "rolearn";
    text += std::string("  map") + (key == "userarn" ? "Users" : "Roles") + ":\n  - " + key + ": " + admin +
            "\n    username: kubernetes-admin\n    groups: [system:masters]\n";
  }
  if (entries) text += "eksAPI:\n  address: " + o.address + "\n  port: " + std::to_string(o.eks_api_port) + "\n";
  return text;
}

// Writes the starter config unless there is one already.
Status WriteStarterConfig(const std::string& path, const InitOptions& o, const std::string& admin, bool entries) {
  if (ReadFile(path)) return {};
  return WriteFileAtomic(path, StarterConfig(o, admin, entries), 0600);
}

// The creator's entry with AmazonEKSClusterAdminPolicy (bootstrapClusterCreatorAdminPermissions);
// none without --admin-arn.
eks::ApiResult<std::vector<eks::AccessEntry>> CreatorEntries(const config::Config& cfg, eks::AuthenticationMode mode,
                                                             const std::string& admin) {
  std::vector<eks::AccessEntry> seed;
  if (admin.empty()) return seed;
  eks::ClusterAccess c;
  c.cluster = server::ClusterOf(cfg);
  c.mode = mode;
  TimePoint now = Clock::now();
  auto made = eks::CreateEntry(c, {admin, "", "", {}, {}}, "cluster-creator", now);
  if (!made) made = eks::Associate(c, admin, eks::FindPolicy("AmazonEKSClusterAdminPolicy")->Arn(c.cluster.partition),
                                   {"cluster", {}}, now);
  if (made) return std::unexpected(*made);
  seed.assign(c.entries.begin(), c.entries.end());
  return seed;
}

// The access-entry store the config names, with the creator's entry when one is named.
Status InitAccessEntryStore(const InitOptions& o, const std::string& config_path, eks::AuthenticationMode mode,
                            const std::string& admin) {
  auto cfg = config::LoadConfig(config_path);
  if (!cfg) return std::unexpected(cfg.error());
  auto seed = CreatorEntries(*cfg, mode, admin);
  if (!seed) return Fail(ErrorCode::kInvalidArgument, "--admin-arn: " + seed.error().message);
  auto store = server::OpenStore(*cfg, *seed);
  if (!store) return std::unexpected(store.error());
  auto state = (*store)->Load();
  std::cout << "access entries:     " << cfg->access_entries_store << " (" << (state ? state->entries.size() : 0)
            << " entries, " << o.mode << ")\n";
  return {};
}

void PrintNextSteps(const server::TlsPaths& tls, const std::string& config) {
  std::cout << "CA certificate:     " << tls.ca_cert << "\nserver certificate: " << tls.server_cert
            << "\nwebhook kubeconfig: " << tls.kubeconfig << "\nauthorize kubeconfig: " << tls.authorize_kubeconfig
            << "\nconfig:             " << config
            << "\n\nStart the server with: kubeiam serve --config " << config
            << "\nPoint the API server at it with: --authentication-token-webhook-config-file=" << tls.kubeconfig
            << "\nand, for EKS access policies: --authorization-mode=Node,RBAC,Webhook "
               "--authorization-webhook-config-file="
            << tls.authorize_kubeconfig << "\n";
}

int Run(const InitOptions& o) {
  auto admin = CanonicalAdmin(o.admin_arn);
  if (!admin) return Report("--admin-arn: " + admin.error().message, 1);
  auto mode = eks::ParseAuthenticationMode(o.mode);
  if (!mode) return Report("--authentication-mode: " + mode.error().message, 2);
  bool entries = eks::UsesAccessEntries(*mode);
  auto tls = server::EnsureTlsMaterial(o.state_dir, {o.address, o.hostname});
  if (!tls) return Report(tls.error().message, 1);
  if (auto s = server::WriteWebhookKubeconfigs(*tls, o.hostname, o.port); !s) return Report(s.error().message, 1);
  std::string config = o.state_dir + "/config.yaml";
  if (auto s = WriteStarterConfig(config, o, *admin, entries); !s) return Report(s.error().message, 1);
  if (entries) {
    if (auto s = InitAccessEntryStore(o, config, *mode, *admin); !s) return Report(s.error().message, 1);
  }
  PrintNextSteps(*tls, config);
  return 0;
}

}  // namespace

Runner AddInitCommand(CLI::App& app) {
  auto o = std::make_shared<InitOptions>();
  auto* cmd = app.add_subcommand("init", "Create the CA, server certificate and webhook kubeconfig");
  cmd->add_option("-i,--cluster-id,--cluster-name", o->cluster_id, "Cluster ID")->required();
  cmd->add_option("--state-dir", o->state_dir, "Where to write them")->required();
  cmd->add_option("--admin-arn", o->admin_arn,
                  "The cluster creator: an access entry with AmazonEKSClusterAdminPolicy (or, under CONFIG_MAP, a "
                  "system:masters mapping in the starter config)");
  cmd->add_option("--authentication-mode", o->mode, "API_AND_CONFIG_MAP (default), API or CONFIG_MAP")
      ->capture_default_str();
  cmd->add_option("--eks-api-port", o->eks_api_port, "Port of the EKS access API")->capture_default_str();
  cmd->add_option("--address", o->address, "Address the server listens on")->capture_default_str();
  cmd->add_option("--hostname", o->hostname, "Name the API server reaches it by")->capture_default_str();
  cmd->add_option("--port", o->port, "Port")->capture_default_str();
  return [o] { return Run(*o); };
}

}  // namespace kubeiam::cli
