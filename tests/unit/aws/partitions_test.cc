#include "aws/partitions.h"

#include <gtest/gtest.h>

namespace kubeiam::aws {
namespace {

TEST(Partitions, RegionToPartition) {
  EXPECT_EQ(PartitionForRegion("us-east-1").id, "aws");
  EXPECT_EQ(PartitionForRegion("cn-north-1").id, "aws-cn");
  EXPECT_EQ(PartitionForRegion("us-gov-west-1").id, "aws-us-gov");
  EXPECT_EQ(PartitionForRegion("us-iso-east-1").id, "aws-iso");
  EXPECT_EQ(PartitionForRegion("us-isob-east-1").id, "aws-iso-b");
  EXPECT_EQ(PartitionForRegion("eu-isoe-west-1").id, "aws-iso-e");
  EXPECT_EQ(PartitionForRegion("us-isof-south-1").id, "aws-iso-f");
  EXPECT_EQ(PartitionForRegion("eusc-de-east-1").id, "aws-eusc");
  EXPECT_EQ(PartitionForRegion("not-a-region").id, "aws");  // unknown shapes fall back to aws
}

TEST(Partitions, StsHosts) {
  EXPECT_EQ(*StsHost("us-west-2"), "sts.us-west-2.amazonaws.com");
  EXPECT_EQ(*StsHost("us-east-1"), "sts.us-east-1.amazonaws.com");  // regional, not global
  EXPECT_EQ(*StsHost("cn-north-1"), "sts.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(*StsHost("us-west-2", {.fips = true}), "sts-fips.us-west-2.amazonaws.com");
  EXPECT_EQ(*StsHost("us-gov-west-1", {.fips = true}), "sts.us-gov-west-1.amazonaws.com");
  EXPECT_EQ(*StsHost("us-west-2", {.dual_stack = true}), "sts.us-west-2.api.aws");
  EXPECT_EQ(*StsHost("us-west-2", {.fips = true, .dual_stack = true}), "sts-fips.us-west-2.api.aws");
  EXPECT_EQ(*StsHost("cn-north-1", {.dual_stack = true}), "sts.cn-north-1.api.amazonwebservices.com.cn");
  EXPECT_EQ(*StsHost("us-iso-east-1"), "sts.us-iso-east-1.c2s.ic.gov");
  EXPECT_FALSE(StsHost("us-iso-east-1", {.dual_stack = true}).has_value());
  EXPECT_EQ(*StsHost("eu-isoe-west-1"), "sts.eu-isoe-west-1.cloud.adc-e.uk");
}

TEST(Partitions, RegionIdentifiers) {
  for (const char* ok : {"us-east-1", "local", "9-west-1"}) EXPECT_TRUE(IsValidRegionIdentifier(ok)) << ok;
  for (const char* bad : {"invalid.com", "@invalid.com/%23", "us_east_1", "", "-us", "us-"}) {
    EXPECT_FALSE(IsValidRegionIdentifier(bad)) << bad;
  }
}

}  // namespace
}  // namespace kubeiam::aws
