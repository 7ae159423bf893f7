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
  std::string kind;      // e.g. "Deployment" (empty when unknown)
  std::string version = "v1";  // the preferred version
  std::string singular;   // e.g. "deployment"
  std::vector<std::string> short_names;
  bool served = true;    // false for users/groups: names for impersonation checks, not API resources
};

// `pods`, `po`, `pod`, `deployments.apps`, `deployments.v1.apps`, `*`. nullopt when unknown
// (kubectl then sends it as typed, with a warning).
std::optional<ResourceType> ResolveResourceType(std::string_view typed);

const std::vector<ResourceType>& StandardResources();

}  // namespace kubeiam::rbac
