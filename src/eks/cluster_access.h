// A cluster's access configuration as EKS's access API changes it (spec/eks-access.md §1-§2):
// the authentication mode, the cluster creator's bootstrap flag and the access entries with
// their policies. Each operation is pure: it checks EKS's rules against the current value and
// edits it, or refuses with EKS's exception; a store persists the result in one transaction.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "eks/access_entry.h"
#include "eks/authentication_mode.h"
#include "eks/entry_list.h"

namespace kubeiam::eks {

struct ClusterAccess {
  ClusterInfo cluster;
  AuthenticationMode mode = AuthenticationMode::kApiAndConfigMap;
  bool bootstrap_admin = true;  // bootstrapClusterCreatorAdminPermissions (create-time only)
  TimePoint created_at{};
  EntryList entries;
  uint64_t revision = 0;  // the number of committed writes (set by the store)

  // The entry of a principal (IAM ARNs compare without case); the mutable one is unshared first.
  AccessEntry* Find(std::string_view principal_arn);
  const AccessEntry* Find(std::string_view principal_arn) const;
};

// Every operation refuses on a CONFIG_MAP cluster ("The cluster's authentication mode must be set
// to one of [API, API_AND_CONFIG_MAP] to perform this operation.", InvalidRequestException) and
// for a missing entry (ResourceNotFoundException).
std::optional<ApiError> CreateEntry(ClusterAccess& c, const NewAccessEntry& request, std::string uuid, TimePoint now);
std::optional<ApiError> UpdateEntry(ClusterAccess& c, std::string_view principal_arn,
                                    const std::optional<std::vector<std::string>>& groups,
                                    const std::optional<std::string>& username, TimePoint now);
std::optional<ApiError> DeleteEntry(ClusterAccess& c, std::string_view principal_arn);
std::optional<ApiError> Associate(ClusterAccess& c, std::string_view principal_arn, std::string_view policy_arn,
                                  const AccessScope& scope, TimePoint now);
std::optional<ApiError> Disassociate(ClusterAccess& c, std::string_view principal_arn, std::string_view policy_arn);
// UpdateClusterConfig's accessConfig.authenticationMode, one-way (§1.3).
std::optional<ApiError> SetMode(ClusterAccess& c, AuthenticationMode mode);

// The read-side checks of Describe/List on a cluster (mode) and an entry (existence).
std::optional<ApiError> CheckApiEnabled(const ClusterAccess& c);
ApiResult<const AccessEntry*> FindEntry(const ClusterAccess& c, std::string_view principal_arn);

// Entries that make their principal a cluster administrator: AmazonEKSClusterAdminPolicy at
// cluster scope (when the mode honours access entries).
std::vector<std::string> Administrators(const ClusterAccess& c);

// Refuses (InvalidRequestException) a change that takes the cluster from some administrators to
// none. `mapped(mode)` counts the administrators other mappings give under a mode
// (system:masters rows of the server's config, or of aws-auth when the mode honours it).
std::optional<ApiError> CheckLockout(const ClusterAccess& before, const ClusterAccess& after,
                                     const std::function<size_t(AuthenticationMode)>& mapped);

}  // namespace kubeiam::eks
