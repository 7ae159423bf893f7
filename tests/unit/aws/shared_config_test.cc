#include "aws/shared_config.h"

#include <gtest/gtest.h>

namespace kubeiam::aws {
namespace {

TEST(SharedConfig, ProfilesSectionsAndPrecedence) {
  auto c = SharedConfig::Parse(
      "# comment\n[default]\nregion = us-west-2\n\n[profile dev]\nrole_arn = arn:aws:iam::1:role/Dev\n"
      "source_profile=base\n; another\n[profile base]\nregion=eu-west-1\nservices = local\n"
      "[services local]\nsts =\n  endpoint_url = http://127.0.0.1:9\n[sso-session s]\nsso_region = us-east-1\n",
      "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = secret\n[default]\nregion = ap-south-1\n");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_TRUE(c->HasProfile("dev"));
  EXPECT_TRUE(c->HasProfile("base"));
  EXPECT_FALSE(c->HasProfile("nope"));
  EXPECT_EQ(*c->Get("dev", "source_profile"), "base");
  EXPECT_EQ(*c->Get("base", "aws_access_key_id"), "AKIDBASE");
  EXPECT_EQ(*c->Get("default", "region"), "ap-south-1");  // credentials file wins
  EXPECT_EQ(c->Services("local")->at("sts.endpoint_url"), "http://127.0.0.1:9");
  EXPECT_EQ(c->SsoSession("s")->at("sso_region"), "us-east-1");
}

TEST(SharedConfig, ErrorsNameFileAndLine) {
  auto c = SharedConfig::Parse("[default]\nregion us-west-2\n", "");
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().message, "config file: line 2: expected key = value");
  EXPECT_EQ(SharedConfig::Parse("", "key = v\n").error().message, "credentials file: line 1: key outside of any [section]");
  EXPECT_EQ(SharedConfig::Parse("[default\n", "").error().message, "config file: line 1: section header must end with ']'");
}

}  // namespace
}  // namespace kubeiam::aws
