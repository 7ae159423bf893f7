#include "util/redact.h"

#include <gtest/gtest.h>

namespace kubeiam {
namespace {

TEST(RedactSecrets, MasksSignaturesSessionTokensAndTokens) {
  struct Case {
    std::string in, out;
  } cases[] = {
      {"https://sts.amazonaws.com/?Action=GetCallerIdentity&X-Amz-Signature=abcdef0123&X-Amz-Date=20240101T000000Z",
       "https://sts.amazonaws.com/?Action=GetCallerIdentity&X-Amz-Signature=REDACTED&X-Amz-Date=20240101T000000Z"},
      {"x-amz-security-token=IQoJb3JpZ2lu%2Fabc&x=1", "x-amz-security-token=REDACTED&x=1"},
      {"next=https%3A%2F%2Fsts%3FX-Amz-Signature%3Ddeadbeef%26a%3Db", "next=https%3A%2F%2Fsts%3FX-Amz-Signature%3DREDACTED"},
      {"token k8s-aws-v1.aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbS8_ was refused", "token k8s-aws-v1.REDACTED was refused"},
      {"Authorization: AWS4-HMAC-SHA256 Credential=AKIA/2024/us-east-1/sts/aws4_request, Signature=0badc0de",
       "Authorization: AWS4-HMAC-SHA256 Credential=AKIA/2024/us-east-1/sts/aws4_request, Signature=REDACTED"},
      {"Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6IiJ9.e30.sig", "Bearer REDACTED"},
      {"{\"SessionToken\":\"FwoGZXIvYXdz\",\"SecretAccessKey\":\"wJalrXUtnFEMI\"}",
       "{\"SessionToken\":\"REDACTED\",\"SecretAccessKey\":\"REDACTED\"}"},
  };
  for (const auto& c : cases) EXPECT_EQ(RedactSecrets(c.in), c.out) << c.in;
}

TEST(RedactSecrets, KeepsProse) {
  for (std::string s : {"bearer token is required", "token is missing expected \"k8s-aws-v1.\" prefix",
                        "X-Amz-Signature parameter must be present in pre-signed URL", ""}) {
    EXPECT_EQ(RedactSecrets(s), s);
  }
}

TEST(RedactUrl, KeepsSchemeHostAndPath) {
  EXPECT_EQ(RedactUrl("https://sts.amazonaws.com/?a=b#c"), "https://sts.amazonaws.com/?REDACTED");
  EXPECT_EQ(RedactUrl("https://sts.amazonaws.com/"), "https://sts.amazonaws.com/");
  EXPECT_EQ(RedactUrl(std::string("https://h/\0x?y", 14)), std::string("https://h/\0x?REDACTED", 21));
}

}  // namespace
}  // namespace kubeiam
