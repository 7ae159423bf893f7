// spec/rbac.md §3.9 (bind, escalate) over the whole chain, and spec/eks-access.md T22: access
// policies may allow `create rolebindings`, but never count as held permissions.
#include "authz/escalation.h"

#include <gtest/gtest.h>

#include "support/rbac_policy.h"

namespace kubeiam::authz {
namespace {

rbac::Authorizer Load(const char* yaml) { return testing::PolicyFromYaml(yaml); }

const rbac::RoleRef kView{"rbac.authorization.k8s.io", "ClusterRole", "view"};
const rbac::RoleRef kEdit{"rbac.authorization.k8s.io", "ClusterRole", "edit"};

TEST(Escalation, AdminOfANamespaceMayGrantEditThere) {  // CV10
  rbac::Authorizer p = Load(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dan-admin, namespace: ns1}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
subjects: [{kind: User, name: dan}]
)");
  rbac::UserInfo dan{"dan", {"system:authenticated"}};
  EXPECT_TRUE(ConfirmBind(p, dan, nullptr, kEdit, "ns1"));
  auto elsewhere = ConfirmBind(p, dan, nullptr, kEdit, "ns2");
  ASSERT_FALSE(elsewhere);
  EXPECT_TRUE(elsewhere.error().message.starts_with(
      "user \"dan\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n"));
  auto cluster = ConfirmBind(p, dan, nullptr, kView, "");
  EXPECT_FALSE(cluster) << "a ClusterRoleBinding needs the rules cluster-wide";
  auto missing = ConfirmBind(p, dan, nullptr, {"rbac.authorization.k8s.io", "Role", "nope"}, "ns1");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "roles.rbac.authorization.k8s.io \"nope\" not found");
  EXPECT_TRUE(ConfirmBind(p, {"root", {"system:masters"}}, nullptr, kView, "")) << "system:masters skips the check";
}

TEST(Escalation, BindVerbSkipsTheComparison) {  // M01/M02 shape
  rbac::Authorizer p = Load(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: binder}
rules: [{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [view]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ben-binder, namespace: ns1}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: binder}
subjects: [{kind: User, name: ben}]
)");
  rbac::UserInfo ben{"ben", {"system:authenticated"}};
  EXPECT_TRUE(ConfirmBind(p, ben, nullptr, kView, "ns1"));
  EXPECT_FALSE(ConfirmBind(p, ben, nullptr, kEdit, "ns1"));
}

TEST(Escalation, AccessPoliciesAreInvisibleToTheComparison) {  // T22
  rbac::Authorizer p = Load("");
  rbac::UserInfo user{"arn:aws:sts::1:assumed-role/Ops/s", {"system:authenticated"}};
  std::vector<eks::AssociatedPolicy> admin = {{"AmazonEKSAdminPolicy", {"namespace", {"ns1"}}}};
  rbac::Attributes create;
  create.user = user;
  create.verb = "create";
  create.api_group = "rbac.authorization.k8s.io";
  create.resource = "rolebindings";
  create.namespace_ = "ns1";
  EXPECT_TRUE(Authorize(p, create, &admin).allowed) << "the policy lists rolebindings: create";
  EXPECT_FALSE(ConfirmBind(p, user, &admin, kView, "ns1")) << "but the covers check sees only RBAC";
  // With RBAC granting admin in ns1 as well, it passes.
  rbac::Authorizer with_rbac = Load(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ops-admin, namespace: ns1}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
subjects: [{kind: User, name: "arn:aws:sts::1:assumed-role/Ops/s"}]
)");
  EXPECT_TRUE(ConfirmBind(with_rbac, user, &admin, kView, "ns1"));
  // ClusterAdmin's "*" includes the bind verb itself, so the check is skipped.
  std::vector<eks::AssociatedPolicy> cluster_admin = {{"AmazonEKSClusterAdminPolicy", {}}};
  EXPECT_TRUE(ConfirmBind(p, user, &cluster_admin, kView, "ns1"));
}

TEST(Escalation, EscalateVerbOrCoveredRules) {  // M04/M05 shape
  rbac::Authorizer p = Load(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: escalator}
rules: [{apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [escalate]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: eve, namespace: ns1}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: escalator}
subjects: [{kind: User, name: eve}]
)");
  rbac::UserInfo eve{"eve", {"system:authenticated"}};
  std::vector<rbac::PolicyRule> secrets = {{{"get"}, {""}, {"secrets"}, {}, {}}};
  EXPECT_TRUE(ConfirmEscalate(p, eve, nullptr, "ns1", "anything", secrets));
  EXPECT_FALSE(ConfirmEscalate(p, eve, nullptr, "", "x", secrets));
  // Rules the requester already holds (discovery, from the default policy) need no verb.
  std::vector<rbac::PolicyRule> discovery = {{{"get"}, {}, {}, {}, {"/api"}}};
  EXPECT_TRUE(ConfirmEscalate(p, eve, nullptr, "", "x", discovery));
}

}  // namespace
}  // namespace kubeiam::authz
