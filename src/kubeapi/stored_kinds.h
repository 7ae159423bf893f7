// The kinds the Kubernetes front keeps in the store and serves read/write when it has no
// upstream: the ones kubeiam's decisions depend on (spec/kube-api.md §1.1). Namespaces,
// ConfigMaps (aws-auth) and the four RBAC kinds.
#pragma once

#include <string>
#include <vector>

namespace kubeiam::kubeapi {

inline constexpr char kRbacGroup[] = "rbac.authorization.k8s.io";

struct StoredKind {
  std::string group;     // "" for core
  std::string version;   // "v1"
  std::string resource;  // plural
  std::string singular;
  std::string kind;
  bool namespaced = true;
  std::vector<std::string> short_names;

  std::string ApiVersion() const { return group.empty() ? version : group + "/" + version; }
  // As messages name it: "configmaps", "roles.rbac.authorization.k8s.io".
  std::string QualifiedResource() const { return group.empty() ? resource : resource + "." + group; }
  // As Invalid messages name it: "ConfigMap", "Role.rbac.authorization.k8s.io".
  std::string QualifiedKind() const { return group.empty() ? kind : kind + "." + group; }
};

const std::vector<StoredKind>& StoredKinds();

// The stored kind at (group, resource), or null.
const StoredKind* FindStoredKind(std::string_view group, std::string_view resource);
// By apiVersion and kind, as a manifest names it, or null.
const StoredKind* FindStoredKindOf(std::string_view api_version, std::string_view kind);

}  // namespace kubeiam::kubeapi
