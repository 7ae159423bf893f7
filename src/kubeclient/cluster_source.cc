#include "kubeclient/cluster_source.h"

#include "kubeclient/cluster_reader.h"

namespace kubeiam::kubeclient {
namespace {

const config::ClusterSourceConfig* SourceOf(const config::Config& config) {
  if (config.aws_auth_cluster) return &*config.aws_auth_cluster;
  if (config.rbac_cluster) return &*config.rbac_cluster;
  return nullptr;
}

Result<KubeClient> ClientOf(const config::ClusterSourceConfig& source) {
  auto context = ContextOf(source);
  if (!context) return std::unexpected(context.error().Wrap(source.InCluster() ? "in-cluster credentials" : "the cluster to watch"));
  return KubeClient::Open(std::move(*context));
}

}  // namespace

Result<KubeContext> ContextOf(const config::ClusterSourceConfig& source) {
  auto context = source.kubeconfig.empty() ? InClusterContext() : LoadKubeContext({source.kubeconfig, source.context});
  if (!context) return std::unexpected(context.error());
  if (!source.master.empty()) context->server = source.master;
  return context;
}

Result<std::shared_ptr<ClusterMirror>> WatchClusterOf(const config::Config& config, MirrorOptions options) {
  const auto* source = SourceOf(config);
  if (!source) return std::shared_ptr<ClusterMirror>();
  auto client = ClientOf(*source);
  if (!client) return std::unexpected(client.error());
  options.aws_auth = config.aws_auth_cluster.has_value();
  options.rbac = config.rbac_cluster.has_value();
  return ClusterMirror::Start(std::move(*client), std::move(options));
}

Result<std::shared_ptr<state::ClusterObjects>> ReadClusterOf(const config::Config& config) {
  const auto* source = SourceOf(config);
  if (!source) return std::shared_ptr<state::ClusterObjects>();
  auto client = ClientOf(*source);
  if (!client) return std::unexpected(client.error());
  return ReadClusterObjects(std::move(*client));
}

}  // namespace kubeiam::kubeclient
