// A live EKS cluster's access entries (with their associated policies) and authentication mode,
// read through the EKS API as `aws eks` reads them — DescribeCluster, ListAccessEntries,
// DescribeAccessEntry, ListAssociatedAccessPolicies, every page — and offered to the Sources as
// an access-entry store that is read once and never written.
#pragma once

#include <memory>
#include <string>

#include "cli/eks_client.h"
#include "store/access_store.h"

namespace kubeiam::cli {

// Errors: what the EKS API answered, as awscli prints it ("An error occurred (...) when
// calling the ListAccessEntries operation: ..."), or an entry EKS answered that breaks its rules.
Result<std::shared_ptr<store::AccessStore>> ReadLiveEksAccess(const EksClient& client, const std::string& cluster);

}  // namespace kubeiam::cli
