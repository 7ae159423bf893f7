// spec/authenticator.md §6.10: DynamicFile, strict (user ID) and ARN keying.
#include "identity/dynamic_file.h"

#include <gtest/gtest.h>

namespace kubeiam::identity {
namespace {

Identity Id(std::string canonical, std::string user_id) {
  Identity id;
  id.arn = id.canonical_arn = std::move(canonical);
  id.user_id = std::move(user_id);
  return id;
}

std::string Doc(const std::string& roles, const std::string& users) {
  return R"({"Version":"1","LastUpdatedDateTime":"1706648530","mapRoles":[)" + roles + R"(],"mapUsers":[)" + users +
         R"(],"mapAccounts":["012345678901"]})";
}

struct Row {
  std::string canonical, user_id, roles, users;
  bool mapped;
  std::string error;
};

TEST(DynamicFile, StrictModeTable) {
  const Row rows[] = {
      {"arn:aws:iam::012345678912:user/matt", "1234", "",
       R"({"userarn":"arn:aws:iam::012345678912:user/matt","username":"asdf","groups":["asdf"],"userid":"1234"})", true, ""},
      {"arn:aws:iam::012345678912:role/matt", "1234",
       R"({"rolearn":"arn:aws:iam::012345678912:role/matt","username":"asdf","userid":"1234"})", "", true, ""},
      {"arn:aws:iam::012345678912:role/matt", "1234",
       R"({"rolearn":"arn:aws:iam::012345678912:role/path/for/this-role/matt","username":"asdf","userid":"1234"})", "",
       true, ""},
      {"arn:aws:iam::012345678912:user/alice", "1234", "",
       R"({"userarn":"arn:aws:iam::012345678912:user/bob","username":"asdf","userid":"1234"})", false,
       "ARN does not match User ID"},
      {"arn:aws:iam::012345678912:role/RealRole", "AROAAAAAAAAAAAAAAAAAA",
       R"({"rolearn":"not-an-arn","username":"x","userid":"AROAAAAAAAAAAAAAAAAAA"})", "", false, "ARN does not match User ID"},
      {"arn:aws:iam::012345678912:user/real", "AIDAAAAAAAAAAAAAAAAAA", "",
       R"({"userarn":"garbage","username":"x","userid":"AIDAAAAAAAAAAAAAAAAAA"})", false, "ARN does not match User ID"},
      {"arn:aws:iam::012345678912:user/matt", "1234", "", R"({"username":"asdf","userid":"1234"})", true, ""},
  };
  for (const auto& r : rows) {
    auto f = ParseDynamicFile(Doc(r.roles, r.users), true);
    ASSERT_TRUE(f.has_value()) << f.error().message;
    auto m = f->table.Find(Id(r.canonical, r.user_id));
    if (r.error.empty()) {
      ASSERT_TRUE(m.has_value()) << r.canonical << ": " << m.error().message;
      EXPECT_EQ(m->has_value(), r.mapped) << r.canonical;
    } else {
      ASSERT_FALSE(m.has_value()) << r.canonical;
      EXPECT_EQ(m.error().message, r.error);
    }
  }
}

TEST(DynamicFile, ArnKeyingAndWholeFileRejection) {
  auto f = ParseDynamicFile(Doc(R"({"RoleArn":"arn:aws:iam::1:role/Admin","username":"admin"})", ""), false);
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE((*f->table.Find(Id("arn:aws:iam::1:role/Admin", "x")))->username == "admin");
  EXPECT_TRUE(f->table.IsAccountAllowed("012345678901"));
  ASSERT_TRUE(f->last_updated.has_value());
  EXPECT_EQ(f->last_updated->time_since_epoch(), std::chrono::seconds(1706648530));

  auto missing = ParseDynamicFile(Doc(R"({"username":"no-key"})", ""), false);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message,
            "error parsing dynamic file: [value for rolearn or userid(if dynamicfileUserIDStrict = true) must be supplied]");
  EXPECT_FALSE(ParseDynamicFile("not json", false).has_value());
  EXPECT_FALSE(ParseDynamicFile("[]", false).has_value());
}

}  // namespace
}  // namespace kubeiam::identity
