// state::ClusterObjects over the Kubernetes API: lists (500 at a time, following `continue`) of
// the RBAC kinds and a get of kube-system/aws-auth, as rbac-tool or kubectl-who-can read them.
// A refusal names the context, the user the cluster saw and the permission missing. On a
// terminal, a progress line on stderr while a large cluster (500 objects and more) loads.
#pragma once

#include <memory>

#include "kubeclient/kube_client.h"
#include "state/cluster_objects.h"

namespace kubeiam::kubeclient {

std::shared_ptr<state::ClusterObjects> ReadClusterObjects(KubeClient client);

}  // namespace kubeiam::kubeclient
