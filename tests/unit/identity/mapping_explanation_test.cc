// Each reason a row does or does not match, in words, and an answer that is always the chain's.
#include "identity/mapping_explanation.h"

#include <gtest/gtest.h>

namespace kubeiam::identity {
namespace {

Identity Caller(const std::string& arn, const std::string& user_id = "") {
  auto id = IdentityFromArn(arn);
  EXPECT_TRUE(id.has_value()) << arn;
  id->user_id = user_id;
  return *id;
}

std::shared_ptr<const MappingTable> Table(std::vector<RoleMapping> roles, std::vector<UserMapping> users = {},
                                          MappingTable::Keying keying = MappingTable::Keying::kArn) {
  auto t = std::make_shared<MappingTable>(keying);
  for (auto& r : roles) t->AddRole(std::move(r));
  for (auto& u : users) t->AddUser(std::move(u));
  return t;
}

RoleMapping Role(const std::string& arn, const std::string& username, const std::string& userid = "") {
  return {arn, std::nullopt, username, {"team"}, userid};
}

// The first row's verdict for `caller` against one table.
RowComparison FirstRow(std::shared_ptr<const MappingTable> table, const Identity& caller) {
  auto e = ExplainMapping({{"EKSConfigMap", std::move(table), {}}}, caller, nullptr);
  EXPECT_EQ(e.backends.size(), 1u);
  EXPECT_FALSE(e.backends[0].rows.empty());
  return e.backends[0].rows.empty() ? RowComparison{} : e.backends[0].rows[0];
}

TEST(MappingExplanation, EachReasonInWords) {
  const Identity admin = Caller("arn:aws:sts::111122223333:assumed-role/Admin/alice");
  struct Case {
    RoleMapping row;
    bool matched;
    std::string why;
  } cases[] = {
      {Role("arn:aws:iam::111122223333:role/Admin", "a"), true, "same ARN"},
      {Role("arn:aws:iam::111122223333:role/ops/Admin", "a"), true,
       "same role once its path is removed (STS reports role ARNs without their path)"},
      {Role("arn:aws:iam::111122223333:role/Admins", "a"), false, "role name Admins; the caller's is Admin"},
      {Role("arn:aws:iam::999999999999:role/Admin", "a"), false, "account 999999999999; the caller's is 111122223333"},
      {Role("arn:aws-cn:iam::111122223333:role/Admin", "a"), false, "partition aws-cn; the caller's is aws"},
      {Role("arn:aws:sts::111122223333:assumed-role/Admin/alice", "a"), false,
       "an sts assumed-role ARN never matches: name the role, arn:aws:iam::111122223333:role/..."},
      {{"", SsoMatcher{"ViewOnly", "111122223333", ""}, "v", {}, ""}, false,
       "the caller's role name Admin does not start with AWSReservedSSO_ViewOnly_"},
  };
  for (const auto& c : cases) {
    RowComparison r = FirstRow(Table({c.row}), admin);
    EXPECT_EQ(r.matched, c.matched) << r.row;
    EXPECT_EQ(r.why, c.why) << r.row;
  }
  RowComparison sso = FirstRow(Table({{"", SsoMatcher{"Admin", "111122223333", ""}, "sso:{{SessionName}}", {"g"}, ""}}),
                               Caller("arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123abcd/bob"));
  EXPECT_TRUE(sso.matched);
  EXPECT_EQ(sso.why, "the caller's role name starts with AWSReservedSSO_Admin_ (IAM Identity Center's role for the permission set)");
  EXPECT_EQ(sso.gives, "username sso:{{SessionName}}, groups [g]");
  RowComparison user = FirstRow(Table({}, {{"arn:aws:iam::111122223333:user/Admin", "u", {}, ""}}), admin);
  EXPECT_EQ(user.why, "names a user; the caller is a role");
}

// An access entry keeps the principal ID it was created for: a role deleted and created again
// under the same ARN is another principal.
TEST(MappingExplanation, RecreatedPrincipal) {
  auto entries = Table({Role("arn:aws:iam::111122223333:role/Admin", "admin", "AROAOLDOLDOLDOLDOLD1")}, {},
                       MappingTable::Keying::kArnAndUserId);
  auto e = ExplainMapping({{"AccessEntry", entries, {}}}, Caller("arn:aws:iam::111122223333:role/Admin", "AROANEWNEWNEWNEWNEW1"),
                          nullptr);
  ASSERT_EQ(e.backends[0].rows.size(), 1u);
  EXPECT_FALSE(e.backends[0].rows[0].matched);
  EXPECT_EQ(e.backends[0].rows[0].row, "access entry arn:aws:iam::111122223333:role/Admin");
  EXPECT_EQ(e.backends[0].rows[0].why,
            "same ARN, but the principal ID recorded when the entry was created, AROAOLDOLDOLDOLDOLD1, is not the caller's, "
            "AROANEWNEWNEWNEWNEW1: the principal was deleted and created again under the same ARN (a recreated principal); "
            "delete the access entry and create it again");
  EXPECT_FALSE(e.result.has_value());
}

// The answer is the chain's: the reserved prefix refuses what a row matched, later backends are
// not asked once one answered, rows about others are counted, and accounts say so.
TEST(MappingExplanation, TheAnswerIsTheChains) {
  const Identity caller = Caller("arn:aws:iam::111122223333:user/eve");
  auto reserved = Table({}, {{"arn:aws:iam::111122223333:user/eve", "system:eve", {}, ""},
                             {"arn:aws:iam::444455556666:user/other", "other", {}, ""}});
  auto e = ExplainMapping({{"MountedFile", reserved, {"system:"}}, {"EKSConfigMap", reserved, {}}}, caller, nullptr);
  ASSERT_FALSE(e.result.has_value());
  EXPECT_NE(e.result.error().message.find("username must not begin with with the following prefixes: [system:]"), std::string::npos);
  EXPECT_EQ(e.backends[0].other_rows, 1u);
  EXPECT_TRUE(e.backends[0].rows[0].matched);

  auto first = Table({}, {{"arn:aws:iam::111122223333:user/eve", "eve", {}, ""}});
  auto accounts = std::make_shared<MappingTable>();
  accounts->AddAccount("111122223333");
  auto answered = ExplainMapping({{"MountedFile", first, {}}, {"EKSConfigMap", accounts, {}}}, caller, nullptr);
  ASSERT_TRUE(answered.result.has_value());
  EXPECT_EQ(answered.backends.size(), 1u);
  auto by_account = ExplainMapping({{"EKSConfigMap", accounts, {}}}, caller, nullptr);
  ASSERT_EQ(by_account.backends[0].rows.size(), 1u);
  EXPECT_EQ(by_account.backends[0].rows[0].row, "account 111122223333");
  EXPECT_TRUE(by_account.result->by_account);
}

}  // namespace
}  // namespace kubeiam::identity
