#include "eks/cluster_access.h"

#include <algorithm>
#include <utility>

#include "util/strings.h"

namespace kubeiam::eks {
namespace {

ApiError NotFound(const ClusterAccess& c, std::string_view principal_arn) {
  return ResourceNotFound("The specified access entry resource for principal " + std::string(principal_arn) +
                          " could not be found on cluster " + c.cluster.name + ".");
}

}  // namespace

AccessEntry* ClusterAccess::Find(std::string_view principal_arn) {
  for (size_t i = 0; i < entries.size(); ++i) {
    if (EqualsIgnoreCase(entries[i].principal_arn, principal_arn)) return &entries.Mutable(i);
  }
  return nullptr;
}

const AccessEntry* ClusterAccess::Find(std::string_view principal_arn) const {
  for (const auto& e : entries) {
    if (EqualsIgnoreCase(e.principal_arn, principal_arn)) return &e;
  }
  return nullptr;
}

std::optional<ApiError> CheckApiEnabled(const ClusterAccess& c) {
  if (UsesAccessEntries(c.mode)) return std::nullopt;
  return InvalidRequest(
      "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.");
}

ApiResult<const AccessEntry*> FindEntry(const ClusterAccess& c, std::string_view principal_arn) {
  if (auto bad = CheckApiEnabled(c)) return std::unexpected(*bad);
  const AccessEntry* e = c.Find(principal_arn);
  if (!e) return std::unexpected(NotFound(c, principal_arn));
  return e;
}

std::optional<ApiError> CreateEntry(ClusterAccess& c, const NewAccessEntry& request, std::string uuid, TimePoint now) {
  if (auto bad = CheckApiEnabled(c)) return bad;
  auto e = MakeAccessEntry(request, c.cluster, std::move(uuid), now);
  if (!e) return e.error();
  if (std::as_const(c).Find(e->principal_arn)) {
    return ResourceInUse("The specified access entry resource is already in use on this cluster.");
  }
  c.entries.push_back(std::move(*e));
  return std::nullopt;
}

std::optional<ApiError> UpdateEntry(ClusterAccess& c, std::string_view principal_arn,
                                    const std::optional<std::vector<std::string>>& groups,
                                    const std::optional<std::string>& username, TimePoint now) {
  if (auto bad = CheckApiEnabled(c)) return bad;
  AccessEntry* e = c.Find(principal_arn);
  if (!e) return NotFound(c, principal_arn);
  auto updated = UpdateAccessEntry(*e, groups, username, now);
  if (!updated) return updated.error();
  *e = std::move(*updated);
  return std::nullopt;
}

std::optional<ApiError> DeleteEntry(ClusterAccess& c, std::string_view principal_arn) {
  if (auto bad = CheckApiEnabled(c)) return bad;
  auto it = std::find_if(c.entries.begin(), c.entries.end(),
                         [&](const AccessEntry& e) { return EqualsIgnoreCase(e.principal_arn, principal_arn); });
  if (it == c.entries.end()) return NotFound(c, principal_arn);
  c.entries.erase(it);  // its associations go with it
  return std::nullopt;
}

std::optional<ApiError> Associate(ClusterAccess& c, std::string_view principal_arn, std::string_view policy_arn,
                                  const AccessScope& scope, TimePoint now) {
  if (auto bad = CheckApiEnabled(c)) return bad;
  AccessEntry* e = c.Find(principal_arn);
  if (!e) return NotFound(c, principal_arn);
  auto updated = AssociatePolicy(*e, policy_arn, scope, c.cluster.partition, now);
  if (!updated) return updated.error();
  *e = std::move(*updated);
  return std::nullopt;
}

std::optional<ApiError> Disassociate(ClusterAccess& c, std::string_view principal_arn, std::string_view policy_arn) {
  if (auto bad = CheckApiEnabled(c)) return bad;
  AccessEntry* e = c.Find(principal_arn);
  if (!e) return NotFound(c, principal_arn);
  // Stored as the catalogue's ARN in the cluster's partition.
  std::string wanted(policy_arn);
  if (const AccessPolicy* known = FindPolicy(policy_arn); known && policy_arn.starts_with("arn:")) {
    wanted = known->Arn(c.cluster.partition);
  }
  auto it = std::find_if(e->policies.begin(), e->policies.end(), [&](const AssociatedPolicy& p) { return p.policy == wanted; });
  if (it == e->policies.end()) {
    return ResourceNotFound("The access policy " + std::string(policy_arn) + " is not associated with the access entry of " +
                            std::string(principal_arn) + ".");
  }
  e->policies.erase(it);
  return std::nullopt;
}

std::optional<ApiError> SetMode(ClusterAccess& c, AuthenticationMode mode) {
  if (auto ok = CheckTransition(c.mode, mode); !ok) return InvalidParameter(ok.error().message);
  if (c.mode == mode) {
    return InvalidParameter("The cluster's authentication mode is already " + std::string(ToString(mode)) + ".");
  }
  c.mode = mode;
  return std::nullopt;
}

std::vector<std::string> Administrators(const ClusterAccess& c) {
  std::vector<std::string> out;
  if (!UsesAccessEntries(c.mode)) return out;
  for (const auto& e : c.entries) {
    if (IsClusterAdmin(e)) out.push_back(e.principal_arn);
  }
  return out;
}

std::optional<ApiError> CheckLockout(const ClusterAccess& before, const ClusterAccess& after,
                                     const std::function<size_t(AuthenticationMode)>& mapped) {
  size_t had = Administrators(before).size() + (mapped ? mapped(before.mode) : 0);
  size_t has = Administrators(after).size() + (mapped ? mapped(after.mode) : 0);
  if (had == 0 || has > 0) return std::nullopt;
  return InvalidRequest("This change would leave the cluster without an administrator (no access entry with "
                        "AmazonEKSClusterAdminPolicy at cluster scope, no system:masters mapping); refused");
}

}  // namespace kubeiam::eks
