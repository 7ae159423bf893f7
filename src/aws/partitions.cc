#include "aws/partitions.h"

#include <algorithm>

namespace kubeiam::aws {
namespace {

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// region == prefix + "-" + \w+ + "-" + \d+
bool HasShape(std::string_view region, std::string_view prefix) {
  if (!region.starts_with(prefix) || region.size() <= prefix.size() || region[prefix.size()] != '-') {
    return false;
  }
  std::string_view rest = region.substr(prefix.size() + 1);
  size_t dash = rest.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == rest.size()) return false;
  std::string_view word = rest.substr(0, dash), digits = rest.substr(dash + 1);
  return std::all_of(word.begin(), word.end(), IsWordChar) &&
         std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

const std::vector<Partition>& AllPartitions() {
  static const std::vector<Partition> kPartitions = {
      {"aws", "amazonaws.com", "api.aws", {"us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"}},
      {"aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn", {"cn"}},
      {"aws-us-gov", "amazonaws.com", "api.aws", {"us-gov"}},
      {"aws-iso", "c2s.ic.gov", "", {"us-iso"}},
      {"aws-iso-b", "sc2s.sgov.gov", "", {"us-isob"}},
      {"aws-iso-e", "cloud.adc-e.uk", "", {"eu-isoe"}},
      {"aws-iso-f", "csp.hci.ic.gov", "", {"us-isof"}},
      {"aws-eusc", "amazonaws.eu", "api.amazonwebservices.eu", {"eusc-de"}},
  };
  return kPartitions;
}

const Partition* FindPartition(std::string_view id) {
  for (const auto& p : AllPartitions()) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

const Partition& PartitionForRegion(std::string_view region) {
  for (const auto& p : AllPartitions()) {
    for (auto prefix : p.region_prefixes) {
      if (HasShape(region, prefix)) return p;
    }
  }
  if (region == "aws-global") return AllPartitions()[0];
  if (region == "aws-cn-global") return *FindPartition("aws-cn");
  if (region == "aws-us-gov-global") return *FindPartition("aws-us-gov");
  return AllPartitions()[0];
}

bool IsKnownRegionShape(std::string_view region) {
  for (const auto& p : AllPartitions()) {
    for (auto prefix : p.region_prefixes) {
      if (HasShape(region, prefix)) return true;
    }
  }
  return false;
}

bool IsValidRegionIdentifier(std::string_view r) {
  if (r.empty()) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (!alnum(r.front()) || !alnum(r.back())) return false;
  return std::all_of(r.begin(), r.end(), [&](char c) { return alnum(c) || c == '-'; });
}

std::optional<std::string> StsHost(std::string_view region, EndpointVariant v) {
  const Partition& p = PartitionForRegion(region);
  std::string_view dns = v.dual_stack ? p.dual_stack_dns_suffix : p.dns_suffix;
  if (dns.empty()) return std::nullopt;
  // In GovCloud the ordinary STS endpoint is already FIPS validated.
  bool fips_prefix = v.fips && !(p.id == "aws-us-gov" && !v.dual_stack);
  std::string host = fips_prefix ? "sts-fips." : "sts.";
  host += region;
  host += '.';
  host += dns;
  return host;
}

bool IsLegacyGlobalStsRegion(std::string_view region) {
  static constexpr std::string_view kLegacy[] = {
      "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "aws-global",
      "ca-central-1",   "eu-central-1", "eu-north-1",   "eu-west-1",      "eu-west-2",
      "eu-west-3",      "sa-east-1",  "us-east-1",      "us-east-2",      "us-west-1",
      "us-west-2"};
  return std::find(std::begin(kLegacy), std::end(kLegacy), region) != std::end(kLegacy);
}

}  // namespace kubeiam::aws
