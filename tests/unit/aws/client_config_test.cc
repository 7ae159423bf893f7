#include "aws/client_config.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace kubeiam::aws {
namespace {

using testing::ScopedEnv;
using testing::TempDir;

class ClientConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { env.Isolate(home.path()); }
  TempDir home;
  ScopedEnv env;
};

TEST_F(ClientConfigTest, RegionPrecedence) {
  home.Write(".aws/config", "[default]\nregion = ap-south-1\n");
  EXPECT_EQ(ResolveClientConfig({})->region, "ap-south-1");
  env.Set("AWS_DEFAULT_REGION", "eu-west-1");
  EXPECT_EQ(ResolveClientConfig({})->region, "eu-west-1");
  env.Set("AWS_REGION", "eu-west-2");
  EXPECT_EQ(ResolveClientConfig({})->region, "eu-west-2");
  EXPECT_EQ(ResolveClientConfig({.region = "us-west-2"})->region, "us-west-2");
}

TEST_F(ClientConfigTest, DefaultsToUsEast1WithRegionalEndpoint) {
  auto c = ResolveClientConfig({});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->region, "us-east-1");
  EXPECT_EQ(c->sts_url, "https://sts.us-east-1.amazonaws.com");
}

TEST_F(ClientConfigTest, EndpointPrecedence) {
  home.Write(".aws/config",
             "[default]\nendpoint_url = https://global.example\nservices = s\n"
             "[services s]\nsts =\n  endpoint_url = https://profile-sts.example\n");
  EXPECT_EQ(ResolveClientConfig({})->sts_url, "https://profile-sts.example");
  env.Set("AWS_ENDPOINT_URL", "https://env-global.example/");
  EXPECT_EQ(ResolveClientConfig({})->sts_url, "https://env-global.example");
  env.Set("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:4566");
  EXPECT_EQ(ResolveClientConfig({})->sts_url, "http://127.0.0.1:4566");
  EXPECT_EQ(ResolveClientConfig({.sts_endpoint = "https://flag.example"})->sts_url, "https://flag.example");
  env.Set("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
  EXPECT_EQ(ResolveClientConfig({})->sts_url, "https://sts.us-east-1.amazonaws.com");
}

TEST_F(ClientConfigTest, FipsDualStackLegacyAndPartitions) {
  EXPECT_EQ(ResolveClientConfig({.region = "cn-northwest-1"})->sts_url, "https://sts.cn-northwest-1.amazonaws.com.cn");
  env.Set("AWS_USE_FIPS_ENDPOINT", "true");
  EXPECT_EQ(ResolveClientConfig({.region = "us-east-2"})->sts_url, "https://sts-fips.us-east-2.amazonaws.com");
  env.Unset("AWS_USE_FIPS_ENDPOINT").Set("AWS_USE_DUALSTACK_ENDPOINT", "true");
  EXPECT_EQ(ResolveClientConfig({.region = "us-east-2"})->sts_url, "https://sts.us-east-2.api.aws");
  env.Unset("AWS_USE_DUALSTACK_ENDPOINT").Set("AWS_STS_REGIONAL_ENDPOINTS", "legacy");
  EXPECT_EQ(ResolveClientConfig({.region = "us-east-1"})->sts_url, "https://sts.amazonaws.com");
  EXPECT_EQ(ResolveClientConfig({.region = "af-south-1"})->sts_url, "https://sts.af-south-1.amazonaws.com");
}

TEST_F(ClientConfigTest, BadInputsNameTheirSource) {
  EXPECT_EQ(ResolveClientConfig({.region = "us_east_1"}).error().message,
            "region \"us_east_1\" (from flag) is not a valid region identifier");
  EXPECT_EQ(ResolveClientConfig({.sts_endpoint = "ftp://x"}).error().message,
            "--sts-endpoint: endpoint must be an http(s) URL, got \"ftp://x\"");
  env.Set("AWS_STS_REGIONAL_ENDPOINTS", "sometimes");
  EXPECT_NE(ResolveClientConfig({}).error().message.find("sts_regional_endpoints must be legacy or regional"),
            std::string::npos);
}

}  // namespace
}  // namespace kubeiam::aws
