// The API server's standard resources, for resolving what users type (`po`, `deployments.apps`,
// `jobs.v1.batch`) without a live cluster, as kubectl's REST mapper would.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kubeiam::rbac {

struct ResourceType {
  std::string resource;  // plural, e.g. "deployments"
  std::string group;     // "" for core
  bool namespaced = true;
};

// `pods`, `po`, `pod`, `deployments.apps`, `deployments.v1.apps`, `*`. nullopt when unknown
// (kubectl then sends it as typed, with a warning).
std::optional<ResourceType> ResolveResourceType(std::string_view typed);

const std::vector<ResourceType>& StandardResources();

}  // namespace kubeiam::rbac
