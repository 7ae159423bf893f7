// spec/authenticator.md §1.2 (the fixed vector) and §1.5 (lifetimes).
#include "token/generate.h"

#include <gtest/gtest.h>

#include "aws/sigv4.h"
#include "token/decode.h"

namespace kubeiam::token {
namespace {

const aws::Credentials kCreds{"ASIAR2TG44V6AS3ZZE7C", "4KD5cntGcVmLWRdF5wvNRuzNL5Qxmp6OKVY6Fz/Q", "", std::nullopt, "test"};
const TimePoint kSigningTime(std::chrono::seconds(1682640000));

TEST(Generate, AuthenticatorVector) {
  auto t = Generate("test-cluster", kCreds, "https://sts.us-west-2.amazonaws.com", "us-west-2", kSigningTime);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->url,
            "https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-"
            "SHA256&X-Amz-Credential=ASIAR2TG44V6AS3ZZE7C%2F20230428%2Fus-west-2%2Fsts%2Faws4_request&X-Amz-Date="
            "20230428T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature="
            "e211dba77aba9dc44b0b6be38b8eaad092599c5157f6314444c5b9d85747f5ce");
  EXPECT_EQ(t->value,
            "k8s-aws-v1.aHR0cHM6Ly9zdHMudXMtd2VzdC0yLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDYWxsZXJJZGVudGl0eSZWZXJzaW9uPTI"
            "wMTEtMDYtMTUmWC1BbXotQWxnb3JpdGhtPUFXUzQtSE1BQy1TSEEyNTYmWC1BbXotQ3JlZGVudGlhbD1BU0lBUjJURzQ0VjZBUzNaWkU3Qy"
            "UyRjIwMjMwNDI4JTJGdXMtd2VzdC0yJTJGc3RzJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURhdGU9MjAyMzA0MjhUMDAwMDAwWiZYLUFtei1F"
            "eHBpcmVzPTYwJlgtQW16LVNpZ25lZEhlYWRlcnM9aG9zdCUzQngtazhzLWF3cy1pZCZYLUFtei1TaWduYXR1cmU9ZTIxMWRiYTc3YWJhOW"
            "RjNDRiMGI2YmUzOGI4ZWFhZDA5MjU5OWM1MTU3ZjYzMTQ0NDRjNWI5ZDg1NzQ3ZjVjZQ");
  EXPECT_EQ(t->expiration, kSigningTime + std::chrono::minutes(14));
}

TEST(Generate, SessionTokenIsSignedAndVerifies) {
  aws::Credentials c = kCreds;
  c.session_token = "FwoGZXIvYXdzE/token+with=chars";
  auto t = Generate("prod", c, "https://sts.eu-west-1.amazonaws.com", "eu-west-1", kSigningTime);
  ASSERT_TRUE(t.has_value());
  EXPECT_NE(t->url.find("&X-Amz-Security-Token=FwoGZXIvYXdzE%2Ftoken%2Bwith%3Dchars&X-Amz-Signature="),
            std::string::npos);
  auto url = Decode(t->value);
  ASSERT_TRUE(url.has_value());
  auto req = ToSignableRequest(*url, "prod");
  auto auth = aws::ParseAuthentication(*req);
  ASSERT_TRUE(auth.has_value()) << auth.error().message;
  EXPECT_EQ(auth->session_token, c.session_token);
  EXPECT_TRUE(aws::VerifySignature(*req, *auth, c.secret_access_key).has_value());
  // Bound to the cluster: the same URL re-sent for another cluster does not verify.
  auto other = ToSignableRequest(*url, "staging");
  EXPECT_FALSE(aws::VerifySignature(*other, *auth, c.secret_access_key).has_value());
}

TEST(Generate, ExpirationNeverOutlivesTheCredentials) {
  aws::Credentials c = kCreds;
  c.expiration = kSigningTime + std::chrono::minutes(3);
  auto t = Generate("c", c, "https://sts.us-east-1.amazonaws.com", "us-east-1", kSigningTime);
  EXPECT_EQ(t->expiration, kSigningTime + std::chrono::minutes(3));
  c.expiration = kSigningTime + std::chrono::hours(1);
  EXPECT_EQ(Generate("c", c, "https://sts.us-east-1.amazonaws.com", "us-east-1", kSigningTime)->expiration,
            kSigningTime + std::chrono::minutes(14));
}

TEST(Generate, CustomEndpointKeepsPortAndPath) {
  auto t = Generate("c", kCreds, "http://127.0.0.1:4566/sts", "us-east-1", kSigningTime);
  ASSERT_TRUE(t.has_value());
  EXPECT_TRUE(t->url.starts_with("http://127.0.0.1:4566/sts?Action=GetCallerIdentity&")) << t->url;
}

TEST(Generate, RejectsMissingInputs) {
  EXPECT_EQ(Generate("", kCreds, "https://sts.us-east-1.amazonaws.com", "us-east-1", kSigningTime).error().message,
            "ClusterID is required");
  EXPECT_FALSE(Generate("c", aws::Credentials{}, "https://sts.us-east-1.amazonaws.com", "us-east-1", kSigningTime));
}

}  // namespace
}  // namespace kubeiam::token
