// Where a cluster's access configuration lives in the key space, and how its values are
// encoded (JSON, times in microseconds since the epoch):
//   clusters/<name>/access/config            identity, authentication mode, bootstrap flag,
//                                            creation time, and the number of writes so far
//   clusters/<name>/access/entries/<ARN>     one entry with its policies (the principal ARN
//                                            lower-cased: IAM ARNs compare without case)
// Both sit under AccessPrefix, so one range reads a cluster's whole access state.
// Keys are relative to the store's root (an etcd store adds its configured prefix). Names are
// percent-escaped where they would add a path segment.
#pragma once

#include <string>
#include <string_view>

#include "eks/cluster_access.h"
#include "util/error.h"

namespace kubeiam::store {

std::string ClusterPrefix(std::string_view cluster);  // "clusters/<name>/"
std::string ClustersPrefix();                          // "clusters/"
std::string AccessPrefix(std::string_view cluster);
std::string AccessConfigKey(std::string_view cluster);
std::string AccessEntriesPrefix(std::string_view cluster);
std::string AccessEntryKey(std::string_view cluster, std::string_view principal_arn);

// The cluster part of ClusterAccess: everything but its entries (its revision is the count of
// writes).
std::string EncodeAccessConfig(const eks::ClusterAccess& c);
// Fills `c`'s cluster, mode, bootstrap flag, creation time and revision. kFormat names the field.
Status DecodeAccessConfig(std::string_view json, eks::ClusterAccess& c);

std::string EncodeAccessEntry(const eks::AccessEntry& e);
Result<eks::AccessEntry> DecodeAccessEntry(std::string_view json);

}  // namespace kubeiam::store
