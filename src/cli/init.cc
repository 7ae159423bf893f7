// kubeiam init --cluster-id ID --state-dir DIR [--admin-arn ARN]: the CA, the server certificate,
// the API server's webhook kubeconfig, and (when absent) a starter config.yaml.
#include <iostream>

#include "aws/arn.h"
#include "cli/commands.h"
#include "server/tls_material.h"
#include "util/file.h"

namespace kubeiam::cli {
namespace {

struct InitOptions {
  std::string cluster_id, state_dir, admin_arn, address = "127.0.0.1", hostname = "localhost";
  int port = 21362;
};

int Run(const InitOptions& o) {
  if (!o.admin_arn.empty()) {
    auto c = aws::Canonicalize(o.admin_arn);
    if (!c) {
      std::cerr << "kubeiam init: --admin-arn: " << c.error().message << "\n";
      return 1;
    }
  }
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
                       "\n  port: " + std::to_string(o.port) + "\n  hostname: " + o.hostname + "\n  stateDir: .\n";
    if (!o.admin_arn.empty()) {
      std::string key = o.admin_arn.find(":user/") != std::string::npos ? "userarn" : "rolearn";
      text += std::string("  map") + (key == "userarn" ? "Users" : "Roles") + ":\n  - " + key + ": " + o.admin_arn +
              "\n    username: kubernetes-admin\n    groups: [system:masters]\n";
    }
    if (auto s = WriteFileAtomic(config, text, 0600); !s) {
      std::cerr << "kubeiam init: " << s.error().message << "\n";
      return 1;
    }
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
  cmd->add_option("--admin-arn", o->admin_arn, "IAM user or role to map to system:masters in the starter config");
  cmd->add_option("--address", o->address, "Address the server listens on")->capture_default_str();
  cmd->add_option("--hostname", o->hostname, "Name the API server reaches it by")->capture_default_str();
  cmd->add_option("--port", o->port, "Port")->capture_default_str();
  return [o] { return Run(*o); };
}

}  // namespace kubeiam::cli
