#include "state/source_settings.h"

#include "identity/aws_auth.h"

namespace kubeiam::state {

bool ServesStoredObjects(const config::Config& config) {
  return config.kube_api && !config.kube_api->upstream && config.access_entries_file.empty();
}

Result<SourceSettings> SettingsOf(const config::Config& config, std::shared_ptr<store::AccessStore> store,
                                  std::shared_ptr<store::KvStore> kv, std::shared_ptr<ClusterObjects> cluster) {
  auto file = identity::BuildFileTable(config.map_roles, config.map_users, config.map_accounts);
  if (!file) return std::unexpected(file.error().Wrap(config.file + ": server"));
  SourceSettings s;
  s.backend_modes = config.backend_modes;
  s.mounted_file = std::make_shared<const identity::MappingTable>(std::move(*file));
  s.aws_auth_file = config.aws_auth_file;
  s.dynamic_file = config.dynamic_file;
  s.dynamic_file_strict = config.dynamic_file_strict;
  s.access_entries_file = config.access_entries_file;
  s.store = std::move(store);
  s.authentication_mode = config.authentication_mode;
  s.scrubbed_accounts = config.scrubbed_accounts;
  s.reserved_prefixes = [config](std::string_view backend) { return config.ReservedPrefixesFor(backend); };
  s.rbac = !config.authorization_rbac.empty() || config.authorization_webhook == config::Config::WebhookChain::kFull;
  if (!config.authorization_rbac.empty()) s.rbac_paths.push_back(config.authorization_rbac);
  s.bootstrap_policy = config.bootstrap_policy;
  s.webhook_full_chain = config.authorization_webhook == config::Config::WebhookChain::kFull;
  if (cluster) {
    s.cluster = std::move(cluster);
    s.cluster_aws_auth = config.aws_auth_cluster.has_value();
    s.cluster_rbac = config.rbac_cluster.has_value();
    if (s.cluster_rbac) s.rbac = true;
  }
  if (kv && ServesStoredObjects(config)) {
    s.objects = {std::move(kv), config.cluster_id};
    s.rbac = true;  // the front authorizes with the stored RBAC objects
  }
  return s;
}

}  // namespace kubeiam::state
