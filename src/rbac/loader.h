// RBAC objects from Kubernetes manifests: YAML (several documents per file) or JSON, `kind: List`
// and `kubectl get ... -o yaml|json` output, from a file or a folder. Other kinds are skipped.
// What the API server would reject (spec/rbac.md §1.2) is reported with file, document and field,
// and still loaded unless it cannot be (no name): the authorizer must tolerate such objects.
#pragma once

#include <string>
#include <vector>

#include "rbac/objects.h"
#include "util/error.h"

namespace kubeiam::rbac {

struct Objects {
  std::vector<Role> roles;
  std::vector<ClusterRole> cluster_roles;
  std::vector<RoleBinding> role_bindings;
  std::vector<ClusterRoleBinding> cluster_role_bindings;
  std::vector<std::string> problems;
  void Append(Objects other);
};

// Errors only for text that is not YAML/JSON at all.
Result<Objects> ParseManifests(std::string_view text, const std::string& file_name);
// A file, or every *.yaml / *.yml / *.json below a folder (in name order).
Result<Objects> LoadManifests(const std::string& path);

}  // namespace kubeiam::rbac
