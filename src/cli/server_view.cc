#include "cli/server_view.h"

#include "aws/credential_chain.h"
#include "token/generate.h"

namespace kubeiam::cli {

Result<std::pair<config::Config, server::Parts>> LoadServerView(const std::string& path, const std::string& store) {
  auto config = config::LoadConfig(path);
  if (!config) return std::unexpected(config.error());
  if (!store.empty()) {
    config->access_entries_store = store;
    config->etcd_store.reset();  // --store names the file to read
  }
  auto parts = server::Bootstrap(*config);
  if (!parts) return std::unexpected(parts.error());
  return std::make_pair(std::move(*config), std::move(*parts));
}

Result<std::string> MintTokenFor(const std::string& cluster_id, const std::string& sts_endpoint, const std::string& ca_bundle) {
  aws::ClientOptions opts;
  opts.sts_endpoint = sts_endpoint;
  auto client = aws::ResolveClientConfig(opts);
  if (!client) return std::unexpected(client.error());
  if (client->ca_bundle.empty()) client->ca_bundle = ca_bundle;
  auto creds = aws::ResolveCredentials({*client, Clock::now(), nullptr});
  if (!creds) return std::unexpected(creds.error());
  auto t = token::Generate(cluster_id, *creds, client->sts_url, client->region, Clock::now());
  if (!t) return std::unexpected(t.error());
  return t->value;
}

Result<std::string> MintOwnToken(const config::Config& config, const server::Parts& parts) {
  if (!config.local_sts) return MintTokenFor(config.cluster_id, "", "");
  return MintTokenFor(config.cluster_id, "https://" + config.local_sts->HostPort(), parts.tls.ca_cert);
}

}  // namespace kubeiam::cli
