// What the AWS CLI would use for a call: profile, region, STS endpoint and CA bundle, resolved
// from flags, environment and the shared config files in the CLI's order of precedence.
#pragma once

#include <string>

#include "aws/shared_config.h"
#include "util/error.h"

namespace kubeiam::aws {

struct ClientOptions {
  std::string profile;       // --profile
  std::string region;        // --region
  std::string sts_endpoint;  // --sts-endpoint
};

struct ClientConfig {
  std::string profile_name = "default";
  bool profile_explicit = false;  // --profile given: environment keys are then not used
  SharedConfig shared;
  Section profile;
  std::string region;
  std::string region_source;  // "flag", "AWS_REGION", "profile", "instance metadata", "default"
  std::string sts_url;        // scheme://host[:port][/path], no trailing slash
  std::string ca_bundle;      // AWS_CA_BUNDLE or ca_bundle; empty for the system store
};

// Region: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region, IMDS, us-east-1.
// STS endpoint: --sts-endpoint, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the profile's services
// section (sts.endpoint_url) and endpoint_url (unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS), else
// the regional host for the region's partition with the FIPS / dual-stack settings
// (AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT) and AWS_STS_REGIONAL_ENDPOINTS=legacy.
// Errors: a named profile that does not exist ("The config profile (x) could not be found"),
// malformed config files, a bad endpoint URL or region.
Result<ClientConfig> ResolveClientConfig(const ClientOptions& options);

// The STS URL for a region with the environment's and profile's endpoint settings.
Result<std::string> ResolveStsUrl(const std::string& region, const std::string& flag, const SharedConfig& shared,
                                  const Section& profile);

// The EKS API URL: --endpoint-url, AWS_ENDPOINT_URL_EKS, AWS_ENDPOINT_URL, the profile's services
// section (eks.endpoint_url) and endpoint_url, else https://eks.<region>.<partition's domain>.
Result<std::string> ResolveEksUrl(const std::string& region, const std::string& flag, const SharedConfig& shared,
                                  const Section& profile);

}  // namespace kubeiam::aws
