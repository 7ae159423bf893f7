// The server a config describes, opened in this process (its sources, store and verifier), for
// the commands that answer as the server would: verify, whoami, explain.
#pragma once

#include <string>
#include <utility>

#include "config/config.h"
#include "server/startup.h"

namespace kubeiam::cli {

// The config with `store` (when not empty) as its access-entry store, and its parts.
Result<std::pair<config::Config, server::Parts>> LoadServerView(const std::string& config_path, const std::string& store);

// A token of the caller's own (the credential chain) for a cluster, presigned for `sts_endpoint`
// (empty: the regional endpoint); `ca_bundle` is trusted for the credential chain's own calls
// when AWS_CA_BUNDLE names none.
Result<std::string> MintTokenFor(const std::string& cluster_id, const std::string& sts_endpoint, const std::string& ca_bundle);

// A token of the caller's own, for the cluster and STS the config names.
Result<std::string> MintOwnToken(const config::Config& config, const server::Parts& parts);

}  // namespace kubeiam::cli
