#include "rbac/bootstrap.h"

#include <stdexcept>

#include "rbac/aggregation.h"

namespace kubeiam::rbac {

extern const char kBootstrapPolicyYaml[];

const Objects& BootstrapPolicy() {
  static const Objects policy = [] {
    auto parsed = ParseManifests(kBootstrapPolicyYaml, "bootstrap policy");
    // The text is part of the program; failing to parse it is a programming error.
    if (!parsed || !parsed->problems.empty()) throw std::logic_error("built-in bootstrap policy does not parse");
    AggregateClusterRoles(parsed->cluster_roles);
    return std::move(*parsed);
  }();
  return policy;
}

Objects WithBootstrap(Objects extra, bool with_bootstrap) {
  if (!with_bootstrap) {
    AggregateClusterRoles(extra.cluster_roles);
    return extra;
  }
  Objects all = BootstrapPolicy();
  all.Append(std::move(extra));
  AggregateClusterRoles(all.cluster_roles);
  return all;
}

std::string_view BootstrapPolicyManifest() { return kBootstrapPolicyYaml; }

}  // namespace kubeiam::rbac
