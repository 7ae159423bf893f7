// spec/eks-access.md §3.3-§3.4 and its suggested tests T16, T17, T23.
#include "eks/access_policies.h"

#include <gtest/gtest.h>

#include "authz/chain.h"

namespace kubeiam::eks {
namespace {

rbac::Attributes Req(std::string verb, std::string group, std::string resource, std::string ns, std::string sub = "") {
  rbac::Attributes a;
  a.user = {"alice", {"system:authenticated"}};
  a.verb = std::move(verb);
  a.api_group = std::move(group);
  a.resource = std::move(resource);
  a.subresource = std::move(sub);
  a.namespace_ = std::move(ns);
  return a;
}

rbac::Attributes Url(std::string verb, std::string path) {
  rbac::Attributes a;
  a.verb = std::move(verb);
  a.resource_request = false;
  a.path = std::move(path);
  return a;
}

TEST(AccessPolicies, CatalogByNameAndArn) {
  EXPECT_NE(FindPolicy("AmazonEKSViewPolicy"), nullptr);
  const AccessPolicy* admin = FindPolicy("arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
  ASSERT_NE(admin, nullptr);
  EXPECT_EQ(admin->Arn("aws-cn"), "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
  EXPECT_EQ(FindPolicy("AmazonEKSNope"), nullptr);
  EXPECT_FALSE(FindPolicy("AmazonEKSComputePolicy")->customer_assignable);
  EXPECT_GE(PolicyCatalog().size(), 23u);
}

TEST(AccessPolicies, ViewScopedToNamespacePattern) {  // T16
  std::vector<AssociatedPolicy> view = {{"AmazonEKSViewPolicy", {"namespace", {"dev-*"}}}};
  auto get_pods_dev = AuthorizeWithPolicies(view, Req("get", "", "pods", "dev-a"));
  EXPECT_TRUE(get_pods_dev.allowed);
  EXPECT_EQ(get_pods_dev.reason, "allowed by access policy AmazonEKSViewPolicy (namespace scope: dev-*)");
  EXPECT_FALSE(AuthorizeWithPolicies(view, Req("get", "", "pods", "prod")).allowed);
  EXPECT_FALSE(AuthorizeWithPolicies(view, Req("list", "", "nodes", "")).allowed);
  EXPECT_FALSE(AuthorizeWithPolicies(view, Req("get", "", "secrets", "dev-a")).allowed);
  rbac::Attributes own_ns = Req("get", "", "namespaces", "dev-a");
  own_ns.name = "dev-a";
  EXPECT_TRUE(AuthorizeWithPolicies(view, own_ns).allowed);
}

TEST(AccessPolicies, AdminViewReadsSecretsButWritesNothing) {  // T17
  std::vector<AssociatedPolicy> p = {{"AmazonEKSAdminViewPolicy", {}}};
  EXPECT_TRUE(AuthorizeWithPolicies(p, Req("get", "", "secrets", "any")).allowed);
  EXPECT_FALSE(AuthorizeWithPolicies(p, Req("create", "", "pods", "any")).allowed);
}

TEST(AccessPolicies, OnlyClusterAdminGrantsUrls) {  // T23
  for (const char* name : {"AmazonEKSAdminPolicy", "AmazonEKSEditPolicy", "AmazonEKSViewPolicy"}) {
    EXPECT_FALSE(AuthorizeWithPolicies({{name, {}}}, Url("get", "/metrics")).allowed) << name;
  }
  EXPECT_TRUE(AuthorizeWithPolicies({{"AmazonEKSClusterAdminPolicy", {}}}, Url("get", "/metrics")).allowed);
  EXPECT_TRUE(AuthorizeWithPolicies({{"AmazonEKSClusterAdminPolicy", {}}}, Url("get", "/healthz")).allowed);
  // Namespace-scoped cluster admin: everything inside the namespace, nothing outside or on URLs.
  std::vector<AssociatedPolicy> ns_admin = {{"AmazonEKSClusterAdminPolicy", {"namespace", {"team"}}}};
  EXPECT_TRUE(AuthorizeWithPolicies(ns_admin, Req("delete", "", "secrets", "team")).allowed);
  EXPECT_FALSE(AuthorizeWithPolicies(ns_admin, Req("delete", "", "nodes", "")).allowed);
  EXPECT_FALSE(AuthorizeWithPolicies(ns_admin, Url("get", "/metrics")).allowed);
}

TEST(AccessPolicies, EditAndAdminAreSupersets) {
  std::vector<AssociatedPolicy> edit = {{"AmazonEKSEditPolicy", {}}};
  EXPECT_TRUE(AuthorizeWithPolicies(edit, Req("create", "", "pods", "x", "exec")).allowed);
  EXPECT_TRUE(AuthorizeWithPolicies(edit, Req("get", "apps", "deployments", "x")).allowed);
  EXPECT_FALSE(AuthorizeWithPolicies(edit, Req("create", "rbac.authorization.k8s.io", "rolebindings", "x")).allowed);
  std::vector<AssociatedPolicy> admin = {{"AmazonEKSAdminPolicy", {}}};
  EXPECT_TRUE(AuthorizeWithPolicies(admin, Req("create", "rbac.authorization.k8s.io", "rolebindings", "x")).allowed);
  EXPECT_FALSE(AuthorizeWithPolicies(admin, Req("bind", "rbac.authorization.k8s.io", "clusterroles", "x")).allowed);
}

TEST(AccessPolicies, ChainUnionsRbacAndPolicies) {  // T19/T20 in miniature
  rbac::Authorizer empty({}, {}, {}, {});
  std::vector<AssociatedPolicy> view = {{"AmazonEKSViewPolicy", {}}};
  auto d = authz::Authorize(empty, Req("list", "", "pods", "x"), &view);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.reason, "allowed by access policy AmazonEKSViewPolicy (cluster scope)");
  EXPECT_FALSE(authz::Authorize(empty, Req("delete", "", "pods", "x"), &view).allowed);
}

}  // namespace
}  // namespace kubeiam::eks
