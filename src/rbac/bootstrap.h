// Kubernetes' default RBAC policy (spec/rbac.md §5), built in: cluster-admin, admin, edit, view,
// the discovery and basic roles, the components' roles and the default bindings, with
// aggregation already applied. Analysis commands add it unless --no-bootstrap.
#pragma once

#include "rbac/loader.h"

namespace kubeiam::rbac {

const Objects& BootstrapPolicy();

// The same policy as the manifest it is built from (one `kind: List`), for an API server that
// keeps it as objects.
std::string_view BootstrapPolicyManifest();

// `extra` plus the bootstrap policy (unless `with_bootstrap` is false), aggregated together so
// user ClusterRoles labelled aggregate-to-view etc. flow into view, edit and admin.
Objects WithBootstrap(Objects extra, bool with_bootstrap = true);

}  // namespace kubeiam::rbac
