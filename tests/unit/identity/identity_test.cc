// spec/authenticator.md §6.2 (TestGetIdentityFromSTSResponse and the STS answer cases).
#include "identity/identity.h"

#include <gtest/gtest.h>

namespace kubeiam::identity {
namespace {

TEST(BuildIdentity, PrincipalKinds) {
  auto root = BuildIdentity("arn:aws:iam::123456789012:root", "123456789012", "123456789012", "AKIAVVVVVVVVVVVAGAVA", "h");
  ASSERT_TRUE(root.has_value());
  EXPECT_EQ(root->user_id, "123456789012");
  EXPECT_EQ(root->session_name, "");
  auto user = BuildIdentity("arn:aws:iam::123456789012:user/Alice", "123456789012", "AIDAIYCCCMMMMMMMMGGDA", "AK", "h");
  EXPECT_EQ(user->canonical_arn, "arn:aws:iam::123456789012:user/Alice");
  EXPECT_EQ(user->user_id, "AIDAIYCCCMMMMMMMMGGDA");
  auto fed = BuildIdentity("arn:aws:sts::123456789012:federated-user/Alice", "123456789012", "123456789012:Alice", "AK", "h");
  EXPECT_EQ(fed->user_id, "123456789012:Alice");
  EXPECT_EQ(fed->session_name, "");
  auto role = BuildIdentity("arn:aws:iam::123456789012:role/Alice", "123456789012", "Alice:session-name", "AK", "h");
  EXPECT_EQ(role->user_id, "Alice");
  EXPECT_EQ(role->session_name, "session-name");
  auto assumed = BuildIdentity("arn:aws:sts::123456789012:assumed-role/Alice/extra", "123456789012", "Alice:session-name", "AK", "h");
  EXPECT_EQ(assumed->canonical_arn, "arn:aws:iam::123456789012:role/Alice");
  EXPECT_EQ(assumed->arn, "arn:aws:sts::123456789012:assumed-role/Alice/extra");
}

TEST(BuildIdentity, Errors) {
  auto bad_arn = BuildIdentity("arn", "1000", "userid", "AK", "h");
  ASSERT_FALSE(bad_arn.has_value());
  EXPECT_EQ(bad_arn.error().code, ErrorCode::kUpstream);
  EXPECT_NE(bad_arn.error().message.find("arn 'arn' is invalid:"), std::string::npos);
  auto bad_user_id = BuildIdentity("arn:aws:iam::123456789012:role/Alice", "123456789012", "not:vailid:userid", "AK", "h");
  EXPECT_NE(bad_user_id.error().message.find("malformed UserID"), std::string::npos);
  EXPECT_FALSE(BuildIdentity("arn:aws:iam::123456789012:role/Alice", "1", "AROAZZCCCNNNNNNNNFFFA", "AK", "h").has_value());
}

}  // namespace
}  // namespace kubeiam::identity
