// The live cluster a server config names — server.kubeconfig/kubeconfigContext/master for
// EKSConfigMap's aws-auth, authorization.rbac {kubeconfig|inCluster} for RBAC — opened as the
// reference authenticator opens it: a kubeconfig's context, `master` replacing its server, or
// the pod's service account when neither is given.
#pragma once

#include <memory>

#include "config/config.h"
#include "kubeclient/cluster_mirror.h"
#include "kubeclient/kubeconfig.h"

namespace kubeiam::kubeclient {

Result<KubeContext> ContextOf(const config::ClusterSourceConfig& source);

// What `config` reads from its cluster, watched (`kubeiam serve`); null when it reads nothing.
Result<std::shared_ptr<ClusterMirror>> WatchClusterOf(const config::Config& config, MirrorOptions options);

// The same, read once (analysis commands given the config); null when it reads nothing.
Result<std::shared_ptr<state::ClusterObjects>> ReadClusterOf(const config::Config& config);

}  // namespace kubeiam::kubeclient
