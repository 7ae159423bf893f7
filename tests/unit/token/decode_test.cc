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
