// A generated cluster's RBAC for benchmarks, as `kubectl get -o json` lists it.
#pragma once

#include <algorithm>
#include <string>

namespace kubeiam::rbac {

// n RoleBindings spread over n/20 namespaces, each binding one of 50 teams' groups or one user
// to view/edit/admin; plus n/100 ClusterRoleBindings. JSON text, as `kubectl get -o json` gives.
inline std::string ClusterJson(int n) {
  std::string out = R"({"apiVersion":"v1","kind":"List","items":[)";
  int namespaces = std::max(1, n / 20);
  const char* roles[] = {"view", "edit", "admin"};
  for (int i = 0; i < n; ++i) {
    std::string ns = "ns-" + std::to_string(i % namespaces);
    std::string subject = i % 3 == 0 ? R"({"kind":"User","name":"user-)" + std::to_string(i % 5000) + R"(","apiGroup":"rbac.authorization.k8s.io"})"
                                     : R"({"kind":"Group","name":"team-)" + std::to_string(i % 50) + R"(","apiGroup":"rbac.authorization.k8s.io"})";
    if (i) out += ",";
    out += R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"rb-)" +
           std::to_string(i) + R"(","namespace":")" + ns + R"("},"subjects":[)" + subject +
           R"(],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":")" + roles[i % 3] + R"("}})";
  }
  for (int i = 0; i < n / 100; ++i) {
    out += R"(,{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"crb-)" +
           std::to_string(i) + R"("},"subjects":[{"kind":"Group","name":"ops-)" + std::to_string(i % 20) +
           R"(","apiGroup":"rbac.authorization.k8s.io"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"}})";
  }
  return out + "]}";
}

}  // namespace kubeiam::rbac
