#include "kubeapi/stored_kinds.h"

namespace kubeiam::kubeapi {

const std::vector<StoredKind>& StoredKinds() {
  static const std::vector<StoredKind> kinds = {
      {"", "v1", "namespaces", "namespace", "Namespace", false, {"ns"}},
      {"", "v1", "configmaps", "configmap", "ConfigMap", true, {"cm"}},
      {kRbacGroup, "v1", "clusterroles", "clusterrole", "ClusterRole", false, {}},
      {kRbacGroup, "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false, {}},
      {kRbacGroup, "v1", "roles", "role", "Role", true, {}},
      {kRbacGroup, "v1", "rolebindings", "rolebinding", "RoleBinding", true, {}},
  };
  return kinds;
}

const StoredKind* FindStoredKind(std::string_view group, std::string_view resource) {
  for (const auto& k : StoredKinds()) {
    if (k.group == group && k.resource == resource) return &k;
  }
  return nullptr;
}

const StoredKind* FindStoredKindOf(std::string_view api_version, std::string_view kind) {
  for (const auto& k : StoredKinds()) {
    if (k.ApiVersion() == api_version && k.kind == kind) return &k;
  }
  return nullptr;
}

}  // namespace kubeiam::kubeapi
