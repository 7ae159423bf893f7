#include "util/encoding.h"

#include <gtest/gtest.h>

namespace kubeiam {
namespace {

TEST(Base64Url, RoundTripsAllLengths) {
  std::string s;
  for (int i = 0; i < 70; ++i) {
    auto enc = Base64UrlEncodeNoPad(s);
    EXPECT_EQ(enc.find('='), std::string::npos);
    auto dec = Base64UrlDecodeNoPad(enc);
    ASSERT_TRUE(dec.has_value()) << i;
    EXPECT_EQ(*dec, s);
    s += char(i * 37);
  }
}

TEST(Base64Url, RejectsPaddingAndForeignCharactersWithOffset) {
  auto r = Base64UrlDecodeNoPad("aGVsbG8=");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "illegal base64 data at input byte 7");
  EXPECT_FALSE(Base64UrlDecodeNoPad("ab+c").has_value());
  EXPECT_FALSE(Base64UrlDecodeNoPad("a").has_value());
  EXPECT_NE(Base64UrlDecodeNoPad("decodingerror").error().message.find("illegal base64 data"), std::string::npos);
}

TEST(Base64, StandardAlphabetWithPadding) {
  EXPECT_EQ(Base64Encode("hello"), "aGVsbG8=");
  EXPECT_EQ(*Base64Decode("aGVsbG8="), "hello");
  EXPECT_EQ(*Base64Decode("aGVsbG8"), "hello");
  EXPECT_FALSE(Base64Decode("aGVs*G8=").has_value());
}

TEST(Hex, LowerCase) { EXPECT_EQ(HexEncode(std::string("\x00\xff\x10", 3)), "00ff10"); }

}  // namespace
}  // namespace kubeiam
