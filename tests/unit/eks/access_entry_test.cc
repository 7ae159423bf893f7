// spec/eks-access.md §2 and its suggested tests T6-T13, T18.
#include "eks/access_entry.h"

#include <gtest/gtest.h>

namespace kubeiam::eks {
namespace {

const ClusterInfo kCluster{"demo", "111122223333", "us-west-2", "aws"};
const TimePoint kT0 = TimePoint(std::chrono::seconds(1700000000));

ApiResult<AccessEntry> Make(NewAccessEntry r) { return MakeAccessEntry(r, kCluster, "uuid-1", kT0); }

void ExpectInvalid(const ApiResult<AccessEntry>& r, const std::string& message) {
  ASSERT_FALSE(r.has_value()) << "accepted";
  EXPECT_EQ(r.error().type, "InvalidParameterException");
  EXPECT_EQ(r.error().status, 400);
  EXPECT_EQ(r.error().message, message);
}

TEST(AccessEntry, UserDefaults) {  // T6
  auto e = Make({"arn:aws:iam::111122223333:user/eks-user", "", "", {}, {}});
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->username, "arn:aws:iam::111122223333:user/eks-user");
  EXPECT_EQ(e->type, "STANDARD");
  EXPECT_TRUE(e->kubernetes_groups.empty());
  EXPECT_EQ(e->access_entry_arn, "arn:aws:eks:us-west-2:111122223333:access-entry/demo/user/111122223333/eks-user/uuid-1");
  EXPECT_EQ(e->created_at, kT0);
  EXPECT_EQ(e->modified_at, kT0);
}

TEST(AccessEntry, RoleKeepsPathUsernameDropsIt) {  // T7
  auto e = Make({"arn:aws:iam::111122223333:role/a/b/dev", "", "", {}, {}});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->principal_arn, "arn:aws:iam::111122223333:role/a/b/dev");
  EXPECT_EQ(e->username, "arn:aws:sts::111122223333:assumed-role/dev/{{SessionName}}");
  EXPECT_EQ(DefaultUsername("arn:aws-cn:iam::111122223333:role/x", "STANDARD"),
            "arn:aws-cn:sts::111122223333:assumed-role/x/{{SessionName}}");
}

TEST(AccessEntry, UsernameRules) {  // T8
  ExpectInvalid(Make({"arn:aws:iam::111122223333:role/dev", "", "john{{SessionName}}", {}, {}}),
                "The username john{{SessionName}} is invalid, a ':' must come before {{SessionName}}");
  EXPECT_TRUE(Make({"arn:aws:iam::111122223333:role/dev", "", ":john{{SessionName}}", {}, {}}));
  EXPECT_TRUE(Make({"arn:aws:iam::111122223333:role/dev", "", "jo:hn{{SessionNameRaw}}", {}, {}}));
  for (const char* prefix : {"system:", "eks:", "aws:", "amazon:", "iam:"}) {
    std::string name = std::string(prefix) + "foo";
    ExpectInvalid(Make({"arn:aws:iam::111122223333:role/dev", "", name, {}, {}}),
                  "The username " + name + " is invalid, it cannot start with " + prefix);
  }
}

TEST(AccessEntry, GroupsCannotStartWithSystem) {  // T9
  ExpectInvalid(Make({"arn:aws:iam::111122223333:role/dev", "", "", {"system:masters"}, {}}),
                "The kubernetes group name system:masters is invalid, it cannot start with system:");
}

TEST(AccessEntry, PrincipalMustBeAnIamUserOrRole) {  // T11
  for (const char* arn : {"arn:aws:sts::111122223333:assumed-role/r/s", "arn:aws:iam::111122223333:group/g",
                          "arn:aws:iam::1111:user/short-account", "not an arn", "arn:aws:iam::111122223333:role/"}) {
    ExpectInvalid(Make({arn, "", "", {}, {}}), "The principalArn parameter format is not valid");
  }
  auto slr = Make({"arn:aws:iam::111122223333:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS", "", "", {}, {}});
  ASSERT_FALSE(slr);
  EXPECT_EQ(slr.error().type, "InvalidParameterException");
  EXPECT_TRUE(Make({"arn:aws:iam::444455556666:role/cross-account", "", "", {}, {}})) << "STANDARD may be cross-account";
}

TEST(AccessEntry, NodeTypes) {  // T12
  auto node = Make({"arn:aws:iam::111122223333:role/node", "EC2_LINUX", "", {}, {}});
  ASSERT_TRUE(node);
  EXPECT_EQ(node->kubernetes_groups, std::vector<std::string>{"system:nodes"});
  EXPECT_EQ(node->username, "system:node:{{EC2PrivateDNSName}}");
  auto assoc = AssociatePolicy(*node, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", {}, "aws", kT0);
  ASSERT_FALSE(assoc);
  EXPECT_EQ(assoc.error().message, "This operation can only be performed on Access Entries with a type of \"STANDARD\".");
  auto emptied = UpdateAccessEntry(*node, std::vector<std::string>{}, std::nullopt, kT0);
  ASSERT_FALSE(emptied) << "an empty list would strip the EKS-managed system:nodes";
  ExpectInvalid(Make({"arn:aws:iam::111122223333:role/node", "EC2_LINUX", "", {"pods"}, {}}),
                "kubernetesGroups and username can only be set on access entries of type STANDARD");
  ExpectInvalid(Make({"arn:aws:iam::111122223333:user/u", "FARGATE_LINUX", "", {}, {}}),
                "The principalArn of an access entry of type FARGATE_LINUX must be an IAM role");
  ExpectInvalid(Make({"arn:aws:iam::444455556666:role/node", "EC2_LINUX", "", {}, {}}),
                "The principalArn of an access entry of type EC2_LINUX must be in the cluster's account 111122223333");
  EXPECT_EQ(Make({"arn:aws:iam::111122223333:role/f", "FARGATE_LINUX", "", {}, {}})->username, "system:node:{{SessionName}}");
  auto bad_type = Make({"arn:aws:iam::111122223333:role/node", "ec2_linux", "", {}, {}});
  ASSERT_FALSE(bad_type);
  EXPECT_NE(bad_type.error().message.find("The type ec2_linux is invalid"), std::string::npos);
}

TEST(AccessEntry, UpdateReplacesGroupsWholesale) {  // T13
  auto e = Make({"arn:aws:iam::111122223333:role/Admin", "", "", {"a", "b"}, {}});
  ASSERT_TRUE(e);
  TimePoint later = kT0 + std::chrono::hours(1);
  auto u = UpdateAccessEntry(*e, std::vector<std::string>{"x"}, std::nullopt, later);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->kubernetes_groups, std::vector<std::string>{"x"});
  EXPECT_EQ(u->username, e->username);
  EXPECT_EQ(u->principal_arn, e->principal_arn);
  EXPECT_EQ(u->type, "STANDARD");
  EXPECT_EQ(u->created_at, kT0);
  EXPECT_EQ(u->modified_at, later);
  EXPECT_FALSE(UpdateAccessEntry(*e, std::vector<std::string>{"system:x"}, std::nullopt, later));
  EXPECT_EQ(UpdateAccessEntry(*e, std::nullopt, std::string("ops:{{SessionName}}"), later)->username, "ops:{{SessionName}}");
}

TEST(AccessEntry, AssociateIsAnUpsertKeyedByPolicy) {  // T18
  auto e = Make({"arn:aws:iam::111122223333:role/Admin", "", "", {}, {}});
  ASSERT_TRUE(e);
  const std::string edit = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy";
  auto once = AssociatePolicy(*e, edit, {"namespace", {"default", "dev"}}, "aws", kT0);
  ASSERT_TRUE(once) << once.error().message;
  TimePoint later = kT0 + std::chrono::minutes(5);
  auto twice = AssociatePolicy(*once, edit, {"namespace", {"dev"}}, "aws", later);
  ASSERT_TRUE(twice);
  ASSERT_EQ(twice->policies.size(), 1u);
  EXPECT_EQ(twice->policies[0].scope.namespaces, std::vector<std::string>{"dev"});
  EXPECT_EQ(twice->policies[0].associated_at, kT0);
  EXPECT_EQ(twice->policies[0].modified_at, later);
  auto view = AssociatePolicy(*twice, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", {}, "aws", later);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->policies.size(), 2u);
}

TEST(AccessEntry, ScopeRules) {
  EXPECT_TRUE(ValidateScope({"cluster", {}}));
  EXPECT_FALSE(ValidateScope({"cluster", {"dev"}}));
  EXPECT_FALSE(ValidateScope({"namespace", {}}));
  EXPECT_FALSE(ValidateScope({"Namespace", {"dev"}}));
  EXPECT_FALSE(ValidateScope({"namespace", {"Dev"}}));
  EXPECT_TRUE(ValidateScope({"namespace", {"dev-*", "*-prod", "*"}}));
  auto e = Make({"arn:aws:iam::111122223333:role/Admin", "", "", {}, {}});
  auto unknown = AssociatePolicy(*e, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSNopePolicy", {}, "aws", kT0);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().type, "InvalidParameterException");
  auto service_only = AssociatePolicy(*e, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSComputePolicy", {}, "aws", kT0);
  EXPECT_FALSE(service_only);
}

}  // namespace
}  // namespace kubeiam::eks
