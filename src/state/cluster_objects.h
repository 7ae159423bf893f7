// A live cluster's objects that decide access — its RBAC and kube-system/aws-auth — read from
// its API server, so that the analysis commands answer for the cluster itself rather than for
// exported files (kubeclient/cluster_reader.h reads them once through a kubeconfig context;
// kubeclient/cluster_mirror.h keeps them current for the server).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "rbac/loader.h"
#include "util/error.h"

namespace kubeiam::state {

class ClusterObjects {
 public:
  virtual ~ClusterObjects() = default;
  // Every ClusterRole, ClusterRoleBinding, Role and RoleBinding (the cluster's default policy
  // among them). Errors name the cluster, the identity and the permission it lacks.
  virtual Result<rbac::Objects> Rbac() = 0;
  // kube-system/aws-auth as JSON text, or nullopt when the cluster has none.
  virtual Result<std::optional<std::string>> AwsAuth() = 0;

  // For objects kept current by a watch: a count that grows with every change seen, so that a
  // reader knows when to read again, and a call made after each change. A one-shot read keeps
  // 0 (read on full loads only) and never calls.
  virtual uint64_t Generation() const { return 0; }
  virtual void OnChange(std::function<void()> /*call*/) {}
};

}  // namespace kubeiam::state
