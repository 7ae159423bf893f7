// AWS partitions: which region belongs where, and the STS host names each one serves.
//
// Pure data and lookups (spec/authenticator.md §2.3). Used by the client to pick its STS
// endpoint and by ARN parsing to recognize partitions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kubeiam::aws {

struct Partition {
  std::string_view id;            // "aws", "aws-cn", ...
  std::string_view dns_suffix;    // "amazonaws.com"
  std::string_view dual_stack_dns_suffix;  // "api.aws"; empty where there is none
  std::vector<std::string_view> region_prefixes;  // shapes <prefix>-<word>-<digits>
};

const std::vector<Partition>& AllPartitions();
const Partition* FindPartition(std::string_view id);
// The partition a region belongs to: by its shape, else "aws" (as the SDKs fall back).
const Partition& PartitionForRegion(std::string_view region);
// True if `region` has the shape of some partition's regions (e.g. us-east-1, cn-north-1).
bool IsKnownRegionShape(std::string_view region);
// A region identifier is letters, digits and inner dashes: ^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$
bool IsValidRegionIdentifier(std::string_view region);

struct EndpointVariant {
  bool fips = false;
  bool dual_stack = false;
};

// The STS host for a region: sts.<region>.<dns>, sts-fips.<region>.<dns> (GovCloud's plain host
// is already FIPS), sts.<region>.<dual-stack dns>, sts-fips.<region>.<dual-stack dns>. nullopt
// when the partition has no such variant (dual-stack in the ISO partitions).
std::optional<std::string> StsHost(std::string_view region, EndpointVariant v = {});

// Regions whose "legacy" STS endpoint is the global sts.amazonaws.com
// (AWS_STS_REGIONAL_ENDPOINTS=legacy).
bool IsLegacyGlobalStsRegion(std::string_view region);

}  // namespace kubeiam::aws
