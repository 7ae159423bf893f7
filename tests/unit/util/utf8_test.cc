#include "util/utf8.h"

#include <gtest/gtest.h>

#include "identity/aws_auth.h"
#include "rbac/loader.h"
#include "config/config.h"
#include "sts/principal_store.h"

namespace kubeiam {
namespace {

TEST(Utf8, ValidAndInvalid) {
  EXPECT_TRUE(ValidateUtf8("plain ascii", "x").has_value());
  EXPECT_TRUE(ValidateUtf8("caf\xc3\xa9 \xe1\x88\xb4 \xf0\x9f\x98\x80", "x").has_value());
  EXPECT_EQ(ValidateUtf8(",\xe8\n\n", "f.yaml").error().message, "f.yaml: not valid UTF-8 at byte 1");
  for (const char* bad : {"\x80", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff", "a\xe1\x88"}) {
    EXPECT_FALSE(ValidateUtf8(bad, "x").has_value()) << testing::PrintToString(bad);
  }
}

// A fuzzer found a NUL inside a quoted aws-auth value: yaml-cpp took it, and the manifest did not
// survive a rewrite. YAML allows control characters only escaped.
TEST(Utf8, RawControlCharactersAreRefusedWithTheirLine) {
  EXPECT_EQ(ValidateUtf8(std::string("a: 1\nb: \"x\x02y\"\n"), "m.yaml").error().message,
            "m.yaml: line 2: control character 0x02 is not allowed (escape it)");
  EXPECT_FALSE(ValidateUtf8(std::string("a\0b", 3), "x").has_value());
  EXPECT_FALSE(ValidateUtf8("a\x7f", "x").has_value());
  EXPECT_TRUE(ValidateUtf8("a:\tb\r\n", "x").has_value());
  EXPECT_FALSE(identity::ParseAwsAuthConfigMap(std::string("kind: ConfigMap\ndata:\n  mapRoles: \"a\x02\"\n")).has_value());
}

// The input a fuzzer found: yaml-cpp looped forever on it. Every YAML entry point now refuses it.
TEST(Utf8, YamlInputsRefuseMalformedUtf8) {
  const std::string hostile = ",\xe8\n\n";
  EXPECT_FALSE(rbac::ParseManifests(hostile, "m.yaml").has_value());
  EXPECT_FALSE(identity::ParseAwsAuthConfigMap(hostile).has_value());
  EXPECT_EQ(identity::ParseAwsAuthData(hostile, "", "").problems.size(), 1u);
  EXPECT_FALSE(config::ParseConfig(hostile, "c.yaml").has_value());
  EXPECT_FALSE(sts::PrincipalStore::Parse(hostile, "p.yaml").has_value());
}

// Inputs on which yaml-cpp's LoadAll never returns: the loader splits documents itself.
TEST(Utf8, MultiDocumentYamlThatHungYamlCpp) {
  for (const char* hostile : {",]", ",}", "kind: Role\n---\n,]\n"}) {
    auto o = rbac::ParseManifests(hostile, "m.yaml");
    (void)o;  // an error or an empty result are both fine; returning at all is the test
  }
  auto two = rbac::ParseManifests("kind: ClusterRole\nmetadata: {name: a}\n---\nkind: ClusterRole\nmetadata: {name: b}\n...\n", "m.yaml");
  ASSERT_TRUE(two.has_value());
  EXPECT_EQ(two->cluster_roles.size(), 2u);
}

TEST(Utf8, EastAsianWidthCountsAsPythonsUnicodedata) {
  EXPECT_EQ(EastAsianWidth("abc"), 3u);
  EXPECT_EQ(EastAsianWidth("\u7ba1\u7406\u8005"), 6u);  // W
  EXPECT_EQ(EastAsianWidth("\uff21"), 2u);              // F: fullwidth A
  EXPECT_EQ(EastAsianWidth("\u00e9t\u00e9"), 5u);       // é is A(mbiguous)
  EXPECT_EQ(EastAsianWidth("\u0101"), 2u);              // ā is A too
  EXPECT_EQ(EastAsianWidth("\u0103"), 1u);              // ă is N(eutral)
  EXPECT_EQ(EastAsianWidth("\xff\xfe"), 2u);            // not UTF-8: a column a byte
  EXPECT_EQ(EastAsianWidth("\xe7\xae"), 2u);            // a truncated sequence
}

}  // namespace
}  // namespace kubeiam
