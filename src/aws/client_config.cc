#include "aws/client_config.h"

#include <boost/url/parse.hpp>
#include <cctype>
#include <optional>

#include "aws/imds.h"
#include "aws/partitions.h"
#include "util/strings.h"

namespace kubeiam::aws {
namespace {

std::string ProfileValue(const Section& profile, const char* key) {
  auto it = profile.find(key);
  return it == profile.end() ? std::string() : it->second;
}

Result<std::string> CheckEndpointUrl(std::string url, const std::string& where) {
  auto u = boost::urls::parse_uri(url);
  std::string scheme = u ? ToLower(u->scheme()) : "";
  if (!u || (scheme != "https" && scheme != "http") || u->host().empty()) {
    return Fail(ErrorCode::kInvalidArgument, where + ": endpoint must be an http(s) URL, got \"" + url + "\"");
  }
  if (u->has_query() || u->has_fragment() || u->has_userinfo()) {
    return Fail(ErrorCode::kInvalidArgument, where + ": endpoint must not carry a query, fragment or user info");
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

namespace {

// A configured endpoint for a service (`service` as in AWS_ENDPOINT_URL_<SERVICE>, lower case
// in the services section), in the SDKs' order; nullopt when none is configured.
std::optional<Result<std::string>> ConfiguredEndpoint(const std::string& service, const SharedConfig& shared,
                                                      const Section& profile) {
  if (IsTruthy(GetEnv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) ||
      IsTruthy(ProfileValue(profile, "ignore_configured_endpoint_urls"))) {
    return std::nullopt;
  }
  std::string upper = service, lower = service;
  for (auto& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
  for (auto& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
  if (auto v = GetEnv(("AWS_ENDPOINT_URL_" + upper).c_str()); !v.empty()) return CheckEndpointUrl(v, "AWS_ENDPOINT_URL_" + upper);
  if (auto v = GetEnv("AWS_ENDPOINT_URL"); !v.empty()) return CheckEndpointUrl(v, "AWS_ENDPOINT_URL");
  if (auto services = ProfileValue(profile, "services"); !services.empty()) {
    if (const Section* s = shared.Services(services)) {
      if (auto it = s->find(lower + ".endpoint_url"); it != s->end()) {
        return CheckEndpointUrl(it->second, "services " + services + " " + lower + ".endpoint_url");
      }
    }
  }
  if (auto v = ProfileValue(profile, "endpoint_url"); !v.empty()) return CheckEndpointUrl(v, "profile endpoint_url");
  return std::nullopt;
}

Status CheckRegion(const std::string& region) {
  if (IsValidRegionIdentifier(region)) return {};
  return Fail(ErrorCode::kInvalidArgument,
              "region \"" + region + "\" is not a valid region identifier (letters, digits and inner dashes)");
}

}  // namespace

Result<std::string> ResolveEksUrl(const std::string& region, const std::string& flag, const SharedConfig& shared,
                                  const Section& profile) {
  if (!flag.empty()) return CheckEndpointUrl(flag, "--endpoint-url");
  if (auto configured = ConfiguredEndpoint("eks", shared, profile)) return *configured;
  if (auto ok = CheckRegion(region); !ok) return std::unexpected(ok.error());
  return "https://eks." + region + "." + std::string(PartitionForRegion(region).dns_suffix);
}

Result<std::string> ResolveStsUrl(const std::string& region, const std::string& flag, const SharedConfig& shared,
                                  const Section& profile) {
  if (!flag.empty()) return CheckEndpointUrl(flag, "--sts-endpoint");
  if (auto configured = ConfiguredEndpoint("sts", shared, profile)) return *configured;
  if (auto ok = CheckRegion(region); !ok) return std::unexpected(ok.error());
  EndpointVariant v;
  std::string fips = GetEnv("AWS_USE_FIPS_ENDPOINT");
  v.fips = IsTruthy(fips.empty() ? ProfileValue(profile, "use_fips_endpoint") : fips);
  std::string dual = GetEnv("AWS_USE_DUALSTACK_ENDPOINT");
  v.dual_stack = IsTruthy(dual.empty() ? ProfileValue(profile, "use_dualstack_endpoint") : dual);
  std::string regional = GetEnv("AWS_STS_REGIONAL_ENDPOINTS");
  if (regional.empty()) regional = ProfileValue(profile, "sts_regional_endpoints");
  if (!regional.empty() && regional != "legacy" && regional != "regional") {
    return Fail(ErrorCode::kInvalidArgument, "sts_regional_endpoints must be legacy or regional, got \"" + regional + "\"");
  }
  if (regional == "legacy" && !v.fips && !v.dual_stack && IsLegacyGlobalStsRegion(region)) {
    return std::string("https://sts.amazonaws.com");
  }
  auto host = StsHost(region, v);
  if (!host) {
    return Fail(ErrorCode::kInvalidArgument,
                "partition " + std::string(PartitionForRegion(region).id) + " has no dual-stack STS endpoint");
  }
  return "https://" + *host;
}

Result<ClientConfig> ResolveClientConfig(const ClientOptions& options) {
  ClientConfig c;
  auto shared = SharedConfig::Load();
  if (!shared) return std::unexpected(shared.error());
  c.shared = std::move(*shared);
  std::string env_profile = GetEnv("AWS_PROFILE");
  if (env_profile.empty()) env_profile = GetEnv("AWS_DEFAULT_PROFILE");
  if (!options.profile.empty()) {
    c.profile_name = options.profile;
    c.profile_explicit = true;
  } else if (!env_profile.empty()) {
    c.profile_name = env_profile;
  }
  bool named = !options.profile.empty() || !env_profile.empty();
  if (named && !c.shared.HasProfile(c.profile_name)) {
    return Fail(ErrorCode::kNotFound, "The config profile (" + c.profile_name + ") could not be found");
  }
  c.profile = c.shared.Profile(c.profile_name);

  if (!options.region.empty()) {
    c.region = options.region;
    c.region_source = "flag";
  } else if (auto r = GetEnv("AWS_REGION"); !r.empty()) {
    c.region = r;
    c.region_source = "AWS_REGION";
  } else if (auto r2 = GetEnv("AWS_DEFAULT_REGION"); !r2.empty()) {
    c.region = r2;
    c.region_source = "AWS_DEFAULT_REGION";
  } else if (auto r3 = ProfileValue(c.profile, "region"); !r3.empty()) {
    c.region = r3;
    c.region_source = "profile";
  } else if (auto imds = ImdsFromEnvironment(c.profile); imds && [&] {
               auto r4 = ImdsRegion(*imds);
               if (r4 && IsValidRegionIdentifier(*r4)) c.region = *r4;
               return !c.region.empty();
             }()) {
    c.region_source = "instance metadata";
  } else {
    c.region = "us-east-1";
    c.region_source = "default";
  }
  if (!IsValidRegionIdentifier(c.region)) {
    return Fail(ErrorCode::kInvalidArgument, "region \"" + c.region + "\" (from " + c.region_source +
                                                 ") is not a valid region identifier");
  }

  auto url = ResolveStsUrl(c.region, options.sts_endpoint, c.shared, c.profile);
  if (!url) return std::unexpected(url.error());
  c.sts_url = std::move(*url);
  c.ca_bundle = GetEnv("AWS_CA_BUNDLE");
  if (c.ca_bundle.empty()) c.ca_bundle = ProfileValue(c.profile, "ca_bundle");
  c.ca_bundle = ExpandHome(c.ca_bundle);
  return c;
}

}  // namespace kubeiam::aws
