#include "cli/server_view.h"

#include "aws/credential_chain.h"
#include "token/generate.h"

namespace kubeiam::cli {

Result<std::pair<config::Config, server::Parts>> LoadServerView(const std::string& path, const std::string& store) {
  auto config = config::LoadConfig(path);
  if (!config) return std::unexpected(config.error());
  if (!store.empty()) config->access_entries_store = store;
  auto parts = server::Bootstrap(*config);
  if (!parts) return std::unexpected(parts.error());
  return std::make_pair(std::move(*config), std::move(*parts));
}

Result<std::string> MintOwnToken(const config::Config& config, const server::Parts& parts) {
  aws::ClientOptions opts;
  if (config.local_sts) opts.sts_endpoint = "https://" + config.local_sts->HostPort();
  auto client = aws::ResolveClientConfig(opts);
  if (!client) return std::unexpected(client.error());
  if (config.local_sts && client->ca_bundle.empty()) client->ca_bundle = parts.tls.ca_cert;
  auto creds = aws::ResolveCredentials({*client, Clock::now(), nullptr});
  if (!creds) return std::unexpected(creds.error());
  auto t = token::Generate(config.cluster_id, *creds, client->sts_url, client->region, Clock::now());
  if (!t) return std::unexpected(t.error());
  return t->value;
}

}  // namespace kubeiam::cli
