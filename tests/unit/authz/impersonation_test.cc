// spec/rbac.md §3.9 (impersonation), §7.9 KC8-KC10, and spec/eks-access.md T21: an impersonated
// request loses the caller's access policies.
#include "authz/impersonation.h"

#include <gtest/gtest.h>

#include "authz/forbidden.h"
#include "support/rbac_policy.h"

namespace kubeiam::authz {
namespace {

rbac::Authorizer Load(const char* yaml) { return testing::PolicyFromYaml(yaml); }

const char* kManifests = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: impersonate-jane}
rules:
- {apiGroups: [""], resources: [users], verbs: [impersonate], resourceNames: [jane]}
- {apiGroups: [""], resources: [groups], verbs: [impersonate], resourceNames: [devs]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: alice-impersonates}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: impersonate-jane}
subjects: [{kind: User, name: alice}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dev-edit, namespace: dev}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: User, name: alice}]
)";

TEST(Impersonation, UserAndGroupsChecked) {  // KC9
  rbac::Authorizer p = Load(kManifests);
  rbac::UserInfo alice{"alice", {"system:authenticated"}};
  auto ok = Impersonate(p, alice, nullptr, {"jane", {"devs"}, "", {}});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->user.name, "jane");
  EXPECT_EQ(ok->user.groups, (std::vector<std::string>{"devs", "system:authenticated"}));
  auto bob = Impersonate(p, alice, nullptr, {"bob", {}, "", {}});
  ASSERT_FALSE(bob);
  EXPECT_EQ(bob.error().message,
            "users \"bob\" is forbidden: User \"alice\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope");
  auto masters = Impersonate(p, alice, nullptr, {"jane", {"system:masters"}, "", {}});
  ASSERT_FALSE(masters);
  EXPECT_EQ(masters.error().message, "groups \"system:masters\" is forbidden: User \"alice\" cannot impersonate resource "
                                     "\"groups\" in API group \"\" at the cluster scope");
}

TEST(Impersonation, ServiceAccountsByNamespace) {  // KC8
  rbac::Authorizer p = Load(kManifests);
  rbac::UserInfo alice{"alice", {"system:authenticated"}};
  // edit in dev includes impersonate serviceaccounts there.
  auto sa = Impersonate(p, alice, nullptr, {"system:serviceaccount:dev:builder", {}, "", {}});
  ASSERT_TRUE(sa) << sa.error().message;
  EXPECT_EQ(sa->user.groups,
            (std::vector<std::string>{"system:serviceaccounts", "system:serviceaccounts:dev", "system:authenticated"}));
  // A service-account name with an empty part is a plain user name, as Kubernetes splits it.
  auto empty_name = Impersonate(p, alice, nullptr, {"system:serviceaccount:dev:", {}, "", {}});
  ASSERT_FALSE(empty_name);
  EXPECT_NE(empty_name.error().message.find("cannot impersonate resource \"users\""), std::string::npos);
  auto prod = Impersonate(p, alice, nullptr, {"system:serviceaccount:prod:builder", {}, "", {}});
  ASSERT_FALSE(prod);
  EXPECT_EQ(prod.error().message, "serviceaccounts \"builder\" is forbidden: User \"alice\" cannot impersonate resource "
                                  "\"serviceaccounts\" in API group \"\" in the namespace \"prod\"");
}

TEST(Impersonation, GroupsWithoutUserIsAnError) {  // KC10
  rbac::Authorizer p = Load(kManifests);
  auto r = Impersonate(p, {"alice", {}}, nullptr, {"", {"devs"}, "", {}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST(Impersonation, CallerPoliciesCountForTheCheckButNotAfter) {  // T21
  rbac::Authorizer p = Load("");
  rbac::UserInfo admin{"arn:aws:sts::1:assumed-role/Admin/s", {"system:authenticated"}};
  std::vector<eks::AssociatedPolicy> cluster_admin = {{"AmazonEKSClusterAdminPolicy", {}}};
  rbac::Attributes list_nodes;
  list_nodes.verb = "list";
  list_nodes.resource = "nodes";
  list_nodes.user = admin;
  EXPECT_TRUE(Authorize(p, list_nodes, &cluster_admin).allowed);
  EXPECT_FALSE(Impersonate(p, admin, nullptr, {"someone", {}, "", {}})) << "no RBAC grant to impersonate";
  auto as = Impersonate(p, admin, &cluster_admin, {"someone", {}, "", {}});
  ASSERT_TRUE(as) << as.error().message;
  list_nodes.user = as->user;
  EXPECT_FALSE(Authorize(p, list_nodes, nullptr).allowed) << "the impersonated identity has no access policies";
}

TEST(Forbidden, ApiServerWording) {
  rbac::Attributes a;
  a.user = {"testuser", {}};
  a.verb = "list";
  a.resource = "nodes";
  EXPECT_EQ(ForbiddenMessage(a),
            "nodes is forbidden: User \"testuser\" cannot list resource \"nodes\" in API group \"\" at the cluster scope");
  a.verb = "get";
  a.api_group = "apps";
  a.resource = "deployments";
  a.subresource = "scale";
  a.namespace_ = "dev";
  a.name = "web";
  EXPECT_EQ(ForbiddenMessage(a), "deployments.apps \"web\" is forbidden: User \"testuser\" cannot get resource "
                                 "\"deployments/scale\" in API group \"apps\" in the namespace \"dev\"");
  rbac::Attributes url;
  url.user = {"testuser", {}};
  url.resource_request = false;
  url.verb = "get";
  url.path = "/metrics";
  EXPECT_EQ(ForbiddenMessage(url), "forbidden: User \"testuser\" cannot get path \"/metrics\"");
}

}  // namespace
}  // namespace kubeiam::authz
