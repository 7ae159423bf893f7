// spec/authenticator.md §4.3 bodies and §3.11 uid/extra.
#include "kubeapi/token_review.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace kubeiam::kubeapi {
namespace {

TEST(TokenReview, ParseRequest) {
  auto r = ParseTokenReview(R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"k8s-aws-v1.x","audiences":["a"]}})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->api_version, "authentication.k8s.io/v1");
  EXPECT_EQ(r->token, "k8s-aws-v1.x");
  EXPECT_EQ(ParseTokenReview("").error().message, "expected a request body");
  EXPECT_EQ(ParseTokenReview("not valid json").error().message, "expected a request body to be a TokenReview");
  EXPECT_EQ(ParseTokenReview("[1]").error().message, "expected a request body to be a TokenReview");
  EXPECT_EQ(ParseTokenReview(R"({"spec":{"token":42}})").error().message, "expected a request body to be a TokenReview");
  EXPECT_EQ(ParseTokenReview(R"({"spec":{}})")->token, "");
}

identity::Identity TestIdentity() {
  identity::Identity id;
  id.arn = id.canonical_arn = "arn:aws:iam::0123456789012:role/Test";
  id.account_id = "0123456789012";
  id.user_id = "Test";
  id.session_name = "TestSession";
  id.access_key_id = "ABCDEF";
  return id;
}

TEST(TokenReview, AcceptedMatchesTheReferenceShape) {
  identity::UserInfo user{"TestUser", {"sys:admin", "listers"}, "MountedFile", false};
  auto doc = boost::json::parse(AcceptedReview("authentication.k8s.io/v1", TestIdentity(), user, {})).as_object();
  EXPECT_EQ(doc.at("apiVersion").as_string(), "authentication.k8s.io/v1");
  EXPECT_EQ(doc.at("kind").as_string(), "TokenReview");
  const auto& status = doc.at("status").as_object();
  EXPECT_TRUE(status.at("authenticated").as_bool());
  const auto& u = status.at("user").as_object();
  EXPECT_EQ(u.at("username").as_string(), "TestUser");
  EXPECT_EQ(u.at("uid").as_string(), "aws-iam-authenticator:0123456789012:Test");
  EXPECT_EQ(u.at("groups").as_array().size(), 2u);
  const auto& extra = u.at("extra").as_object();
  EXPECT_EQ(extra.at("accessKeyId").as_array()[0].as_string(), "ABCDEF");
  EXPECT_EQ(extra.at("canonicalArn").as_array()[0].as_string(), "arn:aws:iam::0123456789012:role/Test");
  EXPECT_EQ(extra.at("sessionName").as_array()[0].as_string(), "TestSession");
  EXPECT_EQ(extra.at("sigs.k8s.io/aws-iam-authenticator/principalId").as_array()[0].as_string(), "Test");
}

TEST(TokenReview, AccountMappingsHaveNoGroupsAndScrubbedAccountsNoExtra) {
  identity::UserInfo by_account{"arn:aws:iam::0123456789012:role/Test", {}, "MountedFile", true};
  auto plain = boost::json::parse(AcceptedReview("", TestIdentity(), by_account, {})).as_object();
  EXPECT_EQ(plain.at("apiVersion").as_string(), "authentication.k8s.io/v1beta1");
  EXPECT_FALSE(plain.at("status").at("user").as_object().contains("groups"));
  auto scrubbed = boost::json::parse(AcceptedReview("", TestIdentity(), by_account, {"0123456789012"})).as_object();
  const auto& u = scrubbed.at("status").at("user").as_object();
  EXPECT_FALSE(u.contains("extra"));
  EXPECT_EQ(u.at("uid").as_string(), "aws-iam-authenticator:administrative:arn:aws:iam::0123456789012:role/Test");
}

TEST(TokenReview, Denied) {
  auto doc = boost::json::parse(DeniedReview("authentication.k8s.io/v1", "identity is not mapped")).as_object();
  EXPECT_FALSE(doc.at("status").at("authenticated").as_bool());
  EXPECT_EQ(doc.at("status").at("error").as_string(), "identity is not mapped");
}

}  // namespace
}  // namespace kubeiam::kubeapi
