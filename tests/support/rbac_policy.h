// An RBAC policy from manifests plus Kubernetes' default policy, for tests.
#pragma once

#include <gtest/gtest.h>

#include "rbac/authorizer.h"
#include "rbac/bootstrap.h"
#include "rbac/loader.h"

namespace kubeiam::testing {

inline rbac::Authorizer PolicyFromYaml(const std::string& yaml) {
  auto objects = rbac::ParseManifests(yaml, "test.yaml");
  EXPECT_TRUE(objects) << objects.error().message;
  auto all = rbac::WithBootstrap(objects ? std::move(*objects) : rbac::Objects{}, true);
  return rbac::Authorizer(all.roles, all.cluster_roles, all.role_bindings, all.cluster_role_bindings);
}

}  // namespace kubeiam::testing
