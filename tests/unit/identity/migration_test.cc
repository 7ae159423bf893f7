// spec/eks-access.md §6.6: eksctl's migrate-to-access-entry rules.
#include "identity/migration.h"

#include <gtest/gtest.h>

namespace kubeiam::identity {
namespace {

const eks::ClusterInfo kCluster{"demo", "111122223333", "us-east-1", "aws"};

TEST(Migration, EksctlRules) {
  auto m = AwsAuthManifest::Parse(R"(kind: ConfigMap
data:
  mapRoles: |
    - groups: [system:bootstrappers, system:nodes]
      rolearn: arn:aws:iam::111122223333:role/NodeRole
      username: system:node:{{EC2PrivateDNSName}}
    - rolearn: arn:aws:iam::111122223333:role/WinNode
      username: system:node:{{EC2PrivateDNSName}}
      groups: [eks:kube-proxy-windows, system:bootstrappers, system:nodes]
    - rolearn: arn:aws:iam::111122223333:role/Admin
      username: old
    - rolearn: arn:aws:iam::111122223333:role/Admin
      username: "admin:{{SessionName}}"
      groups: [system:masters, ops]
    - rolearn: arn:aws:iam::111122223333:role/Mon
      username: mon
      groups: [system:monitoring]
    - rolearn: arn:aws:iam::111122223333:role/aws-service-role/emr.amazonaws.com/AWSServiceRoleForEMR
      username: emr
    - rolearn: arn:aws:iam::111122223333:role/teams/Pathy
      username: p
  mapUsers: |
    - userarn: arn:aws:iam::111122223333:user/alice
      username: alice
      groups: [devs]
    - userarn: arn:aws:iam::111122223333:user/existing
      username: e
  mapAccounts: |
    - "444455556666"
)");
  ASSERT_TRUE(m) << m.error().message;
  auto plan = PlanMigration(*m, {"arn:aws:iam::111122223333:user/existing"}, kCluster);
  ASSERT_EQ(plan.steps.size(), 10u);
  auto step = [&](size_t i) { return plan.steps[i]; };
  EXPECT_EQ(step(0).entry.type, "EC2_LINUX");
  EXPECT_TRUE(step(0).entry.kubernetes_groups.empty());
  EXPECT_EQ(step(1).entry.type, "EC2_WINDOWS");
  EXPECT_FALSE(step(2).create) << "shadowed";
  EXPECT_TRUE(step(3).create);
  EXPECT_EQ(step(3).policy_arn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
  EXPECT_EQ(step(3).entry.kubernetes_groups, std::vector<std::string>{"ops"});
  EXPECT_EQ(step(3).entry.username, "admin:{{SessionName}}");
  EXPECT_FALSE(step(4).create);
  EXPECT_TRUE(step(4).blocks_api) << "system:monitoring";
  EXPECT_FALSE(step(5).create);
  EXPECT_TRUE(step(5).blocks_api) << "service-linked role";
  EXPECT_FALSE(step(6).create);
  EXPECT_FALSE(step(6).blocks_api) << "a path row never matched anyway";
  EXPECT_TRUE(step(7).create);
  EXPECT_EQ(step(7).entry.kubernetes_groups, std::vector<std::string>{"devs"});
  EXPECT_FALSE(step(8).create);
  EXPECT_EQ(step(8).note, "already has an access entry");
  EXPECT_FALSE(step(9).create);
  EXPECT_TRUE(step(9).blocks_api) << "accounts";
  EXPECT_TRUE(plan.blocks_api);
}

TEST(Migration, UsernamesEksRefusesAreSkipped) {
  auto m = AwsAuthManifest::Parse("kind: ConfigMap\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/Dev\n      username: "
                                  "\"{{SessionName}}\"\n");
  ASSERT_TRUE(m);
  auto plan = PlanMigration(*m, {}, kCluster);
  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_FALSE(plan.steps[0].create);
  EXPECT_NE(plan.steps[0].note.find("a ':' must come before {{SessionName}}"), std::string::npos);
}

}  // namespace
}  // namespace kubeiam::identity
