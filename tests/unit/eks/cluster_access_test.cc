// spec/eks-access.md §8 T3, T10, T13 as operations on a cluster's access configuration.
#include "eks/cluster_access.h"

#include <gtest/gtest.h>

namespace kubeiam::eks {
namespace {

const TimePoint kT0 = TimePoint(std::chrono::seconds(1700000000));

ClusterAccess Cluster(AuthenticationMode mode) {
  ClusterAccess c;
  c.cluster = {"demo", "111122223333", "us-east-1", "aws"};
  c.mode = mode;
  return c;
}

TEST(ClusterAccess, ConfigMapClusterRefusesTheApi) {  // T3
  ClusterAccess c = Cluster(AuthenticationMode::kConfigMap);
  auto e = CreateEntry(c, {"arn:aws:iam::111122223333:user/a", "", "", {}, {}}, "u", kT0);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, "InvalidRequestException");
  EXPECT_EQ(e->message,
            "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.");
  EXPECT_FALSE(FindEntry(c, "arn:aws:iam::111122223333:user/a"));
  EXPECT_FALSE(SetMode(c, AuthenticationMode::kApiAndConfigMap));
  EXPECT_FALSE(CreateEntry(c, {"arn:aws:iam::111122223333:user/a", "", "", {}, {}}, "u", kT0));
}

TEST(ClusterAccess, DuplicatesMissingAndAdministrators) {  // T10
  ClusterAccess c = Cluster(AuthenticationMode::kApi);
  const std::string arn = "arn:aws:iam::111122223333:role/Admin";
  EXPECT_FALSE(CreateEntry(c, {arn, "", "", {}, {}}, "u", kT0));
  auto dup = CreateEntry(c, {"arn:aws:iam::111122223333:role/admin", "", "", {}, {}}, "u", kT0);
  ASSERT_TRUE(dup);
  EXPECT_EQ(dup->type, "ResourceInUseException");
  EXPECT_EQ(dup->status, 409);
  EXPECT_EQ(dup->message, "The specified access entry resource is already in use on this cluster.");
  auto missing = UpdateEntry(c, "arn:aws:iam::111122223333:role/Nope", std::vector<std::string>{"x"}, std::nullopt, kT0);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_TRUE(Administrators(c).empty());
  EXPECT_FALSE(Associate(c, arn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", {}, kT0));
  EXPECT_EQ(Administrators(c), std::vector<std::string>{arn});
  EXPECT_FALSE(Disassociate(c, arn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"));
  EXPECT_TRUE(Administrators(c).empty());
  auto not_associated = Disassociate(c, arn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
  ASSERT_TRUE(not_associated);
  EXPECT_EQ(not_associated->type, "ResourceNotFoundException");
  // A policy ARN of another partition is stored as this cluster's; disassociating with it works.
  const std::string gov = "arn:aws-us-gov:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";
  EXPECT_FALSE(Associate(c, arn, gov, {}, kT0));
  EXPECT_EQ(c.Find(arn)->policies.back().policy, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy");
  EXPECT_FALSE(Disassociate(c, arn, gov));
  EXPECT_FALSE(DeleteEntry(c, arn));
  EXPECT_TRUE(DeleteEntry(c, arn));
}

}  // namespace
}  // namespace kubeiam::eks
