// spec/authenticator.md §6.5 (canonicalisation) and §6.6 (ArnLike).
#include "aws/arn.h"

#include <gtest/gtest.h>

namespace kubeiam::aws {
namespace {

struct CanonicalCase {
  const char* in;
  const char* canonical;  // nullptr: error; "" : not asserted
  const char* stripped;   // nullptr: error; "" : not asserted
};

TEST(Arn, CanonicalizeAndStripPathTable) {
  const CanonicalCase cases[] = {
      {"NOT AN ARN", nullptr, nullptr},
      {"arn:aws:iam::123456789012:user/Alice", "arn:aws:iam::123456789012:user/Alice",
       "arn:aws:iam::123456789012:user/Alice"},
      {"arn:aws:iam::123456789012:role/Users", "arn:aws:iam::123456789012:role/Users", ""},
      {"arn:aws:sts::123456789012:assumed-role/Admin/Session", "arn:aws:iam::123456789012:role/Admin", ""},
      {"arn:aws:sts::123456789012:federated-user/Bob", "arn:aws:sts::123456789012:federated-user/Bob",
       "arn:aws:sts::123456789012:federated-user/Bob"},
      {"arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:root", ""},
      {"arn:aws:sts::123456789012:assumed-role/Org/Team/Admin/Session",
       "arn:aws:iam::123456789012:role/Org/Team/Admin", ""},
      {"arn:aws-iso:iam::123456789012:user/Chris", "arn:aws-iso:iam::123456789012:user/Chris", ""},
      {"arn:aws-iso-b:iam::123456789012:user/Chris", "arn:aws-iso-b:iam::123456789012:user/Chris", ""},
      {"arn:aws:iam::123456789012:role/Org/Team/Admin", "", "arn:aws:iam::123456789012:role/Admin"},
      {"arn:aws:iam::123456789012:role/Admin", "", "arn:aws:iam::123456789012:role/Admin"},
  };
  for (const auto& c : cases) {
    auto canon = Canonicalize(c.in);
    if (!c.canonical) {
      EXPECT_FALSE(canon.has_value()) << c.in;
    } else if (*c.canonical) {
      ASSERT_TRUE(canon.has_value()) << c.in << ": " << canon.error().message;
      EXPECT_EQ(canon->canonical_arn, c.canonical) << c.in;
    }
    auto stripped = StripPath(c.in);
    if (!c.stripped) {
      EXPECT_FALSE(stripped.has_value()) << c.in;
    } else if (*c.stripped) {
      ASSERT_TRUE(stripped.has_value()) << c.in;
      EXPECT_EQ(*stripped, c.stripped) << c.in;
    }
  }
}

TEST(Arn, ErrorTexts) {
  EXPECT_EQ(Canonicalize("arn").error().message, "arn 'arn' is invalid: 'arn: invalid prefix'");
  EXPECT_EQ(Canonicalize("arn:aws:iam").error().message, "arn 'arn:aws:iam' is invalid: 'arn: not enough sections'");
  EXPECT_EQ(Canonicalize("arn:aws-foo:iam::1:user/x").error().message,
            "arn 'arn:aws-foo:iam::1:user/x' does not have a recognized partition");
  EXPECT_EQ(Canonicalize("arn:aws:sts::1:assumed-role/x").error().message,
            "assumed-role arn 'arn:aws:sts::1:assumed-role/x' does not have a role");
  EXPECT_EQ(Canonicalize("arn:aws:sts::1:thing/x").error().message, "unrecognized resource thing/x for service sts");
  EXPECT_EQ(Canonicalize("arn:aws:iam::1:group/x").error().message, "unrecognized resource group/x for service iam");
  EXPECT_EQ(Canonicalize("arn:aws:s3::1:bucket").error().message,
            "service s3 in arn arn:aws:s3::1:bucket is not a valid service for identities");
}

TEST(Arn, PrincipalTypes) {
  EXPECT_EQ(Canonicalize("arn:aws:sts::1:assumed-role/R/s")->type, PrincipalType::kAssumedRole);
  EXPECT_EQ(Canonicalize("arn:aws-us-gov:iam::1:role/R")->type, PrincipalType::kRole);
  EXPECT_EQ(Canonicalize("arn:aws-cn:iam::1:root")->type, PrincipalType::kRoot);
}

TEST(ArnLike, MatchesTable) {
  const std::string role = "arn:aws:iam::000000000000:role/some-role";
  for (const char* p : {"arn:aws:iam::000000000000:role/some-role", "arn:aws:iam::000000000000:*", "arn:*:*:*:*:*",
                        "arn:aws:iam::000000000000:**", "arn:aws:iam::000000000000:*role*",
                        "arn:aws:iam::000000000000:ro*", "arn:aws:iam::000000000000:??????????????"}) {
    auto r = ArnLike(role, p);
    ASSERT_TRUE(r.has_value()) << p;
    EXPECT_TRUE(*r) << p;
  }
  const std::string wacky = "arn:aws:testservice::000000000000:some/wacky-new-[resource]{with}\\metacharacters";
  EXPECT_TRUE(*ArnLike(wacky, wacky));
  EXPECT_TRUE(*ArnLike(wacky, "arn:aws:testservice::000000000000:some/wacky-new-[reso*"));
  EXPECT_FALSE(*ArnLike("arn:aws:iam::111111111111:role/some-role", "arn:aws:iam::000000000000:role/some-role"));
  EXPECT_FALSE(*ArnLike("arn:aws:testservice::000000000000:some/wacky:resource:with:colon:delims",
                        "arn:aws:testservice::**:delims"));
}

TEST(ArnLike, Errors) {
  EXPECT_EQ(ArnLike("arn:aws:iam::000000000000:role/x", "arn:*").error().message,
            "could not parse ArnLike string: not enough sections");
  EXPECT_EQ(ArnLike("nar:aws:iam::000000000000:role/some-role", "arn:*:*:*:*:*").error().message,
            "could not parse input arn: invalid prefix");
  EXPECT_EQ(ArnLike("arn:aws:iam:000000000000:role/some-role", "arn:*:*:*:*:*").error().message,
            "could not parse input arn: not enough sections");
}

TEST(Glob, LinearOnHostilePatterns) {
  std::string text(5000, 'a');
  std::string pattern;
  for (int i = 0; i < 50; ++i) pattern += "*a";
  pattern += "b";
  EXPECT_FALSE(GlobMatch(text, pattern));
  EXPECT_TRUE(GlobMatch("abc", "a?c"));
  EXPECT_TRUE(GlobMatch("", "*"));
  EXPECT_FALSE(GlobMatch("", "?"));
}

}  // namespace
}  // namespace kubeiam::aws
