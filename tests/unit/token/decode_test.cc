#include "token/decode.h"

#include <gtest/gtest.h>

#include "util/encoding.h"

namespace kubeiam::token {
namespace {

std::string T(const std::string& url) { return "k8s-aws-v1." + Base64UrlEncodeNoPad(url); }

TEST(Decode, Shapes) {
  EXPECT_EQ(Decode("k8s-aws-v2.asdfasdfa").error().message, "token is missing expected \"k8s-aws-v1.\" prefix");
  EXPECT_NE(Decode("k8s-aws-v1.decodingerror").error().message.find("illegal base64 data"), std::string::npos);
  EXPECT_NE(Decode(T(":ab:cd.af:/asda")).error().message.find("missing protocol scheme"), std::string::npos);
  auto u = Decode(T("HTTPS://user@sts.amazonaws.com:443/?a=b#frag"));
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "sts.amazonaws.com:443");
  EXPECT_TRUE(u->has_userinfo);
  EXPECT_TRUE(u->has_fragment);
  EXPECT_EQ(u->raw_query, "a=b");
}

TEST(Decode, MalformedQuery) {
  auto u = Decode(T("https://sts.sa-east-1.amazonaws.com/?action=GetCallerIdentity&x-amz-expires=60%gh"));
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(ToSignableRequest(*u, "c").error().message, "malformed query parameter");
}

}  // namespace
}  // namespace kubeiam::token

namespace kubeiam::token {
namespace {

// A URL that fails to parse is still somebody's signed request: the error shows its host only.
TEST(Decode, ParseErrorsNeverCarryTheSignature) {
  std::string url =
      "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLE"
      "&X-Amz-Signature=5f2a1c0e9b8d7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f";
  for (std::string bad : {url + std::string(1, '\0'), url + "\r\n", std::string(1, '\x7f') + url}) {
    auto d = Decode(T(bad));
    ASSERT_FALSE(d.has_value());
    EXPECT_EQ(d.error().message.find("5f2a1c0e9b8d"), std::string::npos) << d.error().message;
    EXPECT_EQ(d.error().message.find("FQoGZXIvYXdz"), std::string::npos) << d.error().message;
    EXPECT_NE(d.error().message.find("invalid control character"), std::string::npos) << d.error().message;
  }
  EXPECT_EQ(Decode(T(url + std::string(1, '\0'))).error().message,
            "parse \"https://sts.amazonaws.com/?REDACTED\": net/url: invalid control character in URL");
}

}  // namespace
}  // namespace kubeiam::token
