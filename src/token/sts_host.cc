#include "token/sts_host.h"

#include "aws/partitions.h"
#include "util/strings.h"

namespace kubeiam::token {
namespace {

std::unexpected<Error> Format(std::string msg) { return Fail(ErrorCode::kFormat, std::move(msg)); }

// The hosts the SDK's endpoint resolver would produce for region r, in any FIPS / dual-stack mix.
bool IsCandidate(std::string_view host, std::string_view region) {
  for (bool fips : {false, true}) {
    for (bool dual : {false, true}) {
      auto h = aws::StsHost(region, {.fips = fips, .dual_stack = dual});
      if (h && *h == host) return true;
    }
  }
  return false;
}

}  // namespace

Result<std::string> StsRegionOfHost(std::string_view host) {
  if (host.empty()) return Fail(ErrorCode::kInvalidArgument, "host is empty");
  auto labels = Split(host, '.');
  if (labels.size() < 3) return Fail(ErrorCode::kInvalidArgument, "invalid host format: " + std::string(host));
  if (host == "sts.amazonaws.com") return std::string("global");
  return std::string(labels[1]);
}

Status CheckStsHost(std::string_view host, std::string_view partition, std::string_view server_region) {
  auto region = StsRegionOfHost(host);
  if (!region) {
    return Format("could not parse region for pre-signed URL " + std::string(host) + ", " + region.error().message);
  }
  if (*region == "global") {
    if (partition == "aws") return {};
    return Format("global endpoint unsupported in partition " + std::string(partition));
  }
  if (!aws::IsValidRegionIdentifier(*region)) {
    return Format("invalid region identifier format provided: " + *region);
  }
  const aws::Partition* p = aws::FindPartition(partition);
  if (!IsCandidate(host, *region)) {
    // Regions newer than our tables: accept the server's own region's plain hosts.
    std::string unexpected = "unexpected hostname \"" + std::string(host) + "\" in pre-signed URL";
    if (!p || !aws::IsValidRegionIdentifier(server_region)) return Format(unexpected);
    std::string base = "sts." + std::string(server_region) + ".";
    if (host == base + std::string(p->dns_suffix) ||
        (!p->dual_stack_dns_suffix.empty() && host == base + std::string(p->dual_stack_dns_suffix))) {
      return {};
    }
    return Format(unexpected);
  }
  auto labels = Split(host, '.');
  if (labels.size() < 4) {
    return Fail(ErrorCode::kInvalidArgument, "invalid host format, too few labels: " + std::string(host));
  }
  if (!p) return Fail(ErrorCode::kInvalidArgument, "partition " + std::string(partition) + " not valid");
  std::string domain;
  for (size_t i = 2; i < labels.size(); ++i) {
    if (i > 2) domain += '.';
    domain += labels[i];
  }
  if (domain == p->dns_suffix || (!p->dual_stack_dns_suffix.empty() && domain == p->dual_stack_dns_suffix)) return {};
  return Format("partition {" + std::string(partition) + "} does not support hostname " + std::string(host));
}

}  // namespace kubeiam::token
