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

int Run(const InitOptions& o) {
  std::string admin = o.admin_arn;
  if (!admin.empty()) {
    auto c = aws::Canonicalize(o.admin_arn);
    if (!c) {
      std::cerr << "kubeiam init: --admin-arn: " << c.error().message << "\n";
      return 1;
    }
    admin = c->canonical_arn;  // an assumed-role ARN names its role
  }
  auto mode = eks::ParseAuthenticationMode(o.mode);
  if (!mode) {
    std::cerr << "kubeiam init: --authentication-mode: " << mode.error().message << "\n";
    return 2;
  }
  bool entries = eks::UsesAccessEntries(*mode);
  auto tls = server::EnsureTlsMaterial(o.state_dir, {o.address, o.hostname});
  if (!tls) {
    std::cerr << "kubeiam init: " << tls.error().message << "\n";
    return 1;
  }
  if (auto s = server::WriteWebhookKubeconfigs(*tls, o.hostname, o.port); !s) {
    std::cerr << "kubeiam init: " << s.error().message << "\n";
    return 1;
  }
  std::string config = o.state_dir + "/config.yaml";
  if (!ReadFile(config)) {
    std::string text = "clusterID: " + o.cluster_id + "\nserver:\n  address: " + o.address +
                       "\n  port: " + std::to_string(o.port) + "\n  hostname: " + o.hostname + "\n  stateDir: .\n" +
                       "  authenticationMode: " + o.mode + "\n";
    if (!admin.empty() && !entries) {
      std::string key = admin.find(":user/") != std::string::npos ? "userarn" : "rolearn";
      text += std::string("  map") + (key == "userarn" ? "Users" : "Roles") + ":\n  - " + key + ": " + admin +
              "\n    username: kubernetes-admin\n    groups: [system:masters]\n";
    }
    if (entries) text += "eksAPI:\n  address: " + o.address + "\n  port: " + std::to_string(o.eks_api_port) + "\n";
    if (auto s = WriteFileAtomic(config, text, 0600); !s) {
      std::cerr << "kubeiam init: " << s.error().message << "\n";
      return 1;
    }
  }
  if (entries) {
    // The store, with the creator's entry when one is named (bootstrapClusterCreatorAdminPermissions).
    auto cfg = config::LoadConfig(config);
    if (!cfg) {
      std::cerr << "kubeiam init: " << cfg.error().message << "\n";
      return 1;
    }
    std::vector<eks::AccessEntry> seed;
    if (!admin.empty()) {
      eks::ClusterAccess c;
      c.cluster = server::ClusterOf(*cfg);
      c.mode = *mode;
      TimePoint now = Clock::now();
      auto made = eks::CreateEntry(c, {admin, "", "", {}, {}}, "cluster-creator", now);
      if (!made) made = eks::Associate(c, admin, eks::FindPolicy("AmazonEKSClusterAdminPolicy")->Arn(c.cluster.partition),
                                       {"cluster", {}}, now);
      if (made) {
        std::cerr << "kubeiam init: --admin-arn: " << made->message << "\n";
        return 1;
      }
      seed.assign(c.entries.begin(), c.entries.end());
    }
    auto store = server::OpenStore(*cfg, seed);
    if (!store) {
      std::cerr << "kubeiam init: " << store.error().message << "\n";
      return 1;
    }
    auto state = (*store)->Load();
    std::cout << "access entries:     " << cfg->access_entries_store << " (" << (state ? state->entries.size() : 0)
              << " entries, " << o.mode << ")\n";
  }
  std::cout << "CA certificate:     " << tls->ca_cert << "\nserver certificate: " << tls->server_cert
            << "\nwebhook kubeconfig: " << tls->kubeconfig << "\nauthorize kubeconfig: " << tls->authorize_kubeconfig
            << "\nconfig:             " << config
            << "\n\nStart the server with: kubeiam serve --config " << config
            << "\nPoint the API server at it with: --authentication-token-webhook-config-file=" << tls->kubeconfig
            << "\nand, for EKS access policies: --authorization-mode=Node,RBAC,Webhook "
               "--authorization-webhook-config-file="
            << tls->authorize_kubeconfig << "\n";
  return 0;
}

}  // namespace

Runner AddInitCommand(CLI::App& app) {
  auto o = std::make_shared<InitOptions>();
  auto* cmd = app.add_subcommand("init", "Create the CA, server certificate and webhook kubeconfig");
  cmd->add_option("-i,--cluster-id", o->cluster_id, "Cluster ID")->required();
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
