// The local STS against requests signed by kubeiam's own signer (the awscli interop is in
// integration/serve_test.cc): actions, answers, and AWS's error codes.
#include "sts/local_sts.h"

#include <gtest/gtest.h>

#include "aws/sigv4.h"
#include "sts/sts_api.h"
#include "util/strings.h"

namespace kubeiam::sts {
namespace {

constexpr char kPrincipals[] = R"(
accounts:
- id: "111122223333"
  users:
  - name: alice
    userId: AIDAALICE00000000001
    accessKeys: [{accessKeyId: AKIAALICE00000000001, secretAccessKey: "alice-secret-key-0000"}]
  roles:
  - name: Admin
    roleId: AROAADMIN00000000001
    assumableBy: ["arn:aws:iam::111122223333:user/alice"]
  - name: Partner
    roleId: AROAPARTNER000000001
    assumableBy: ["*"]
    externalId: "ext-42"
)";

const TimePoint kNow = TimePoint(std::chrono::seconds(1700000000));

class LocalStsTest : public ::testing::Test {
 protected:
  LocalStsTest() : sts_(*PrincipalStore::Parse(kPrincipals, "principals.yaml"), std::string(32, 'k')) {}

  StsAnswer Call(const aws::KeyValues& params, const aws::Credentials& c, TimePoint signed_at = kNow,
                 bool json = false) const {
    aws::SignableRequest r;
    r.method = "POST";
    r.headers = {{"Host", "127.0.0.1:21364"}, {"Content-Type", "application/x-www-form-urlencoded"}};
    r.body = aws::EncodeQuery(params);
    aws::SignHeaders(r, c, {"us-east-1", "sts", signed_at});
    if (json) r.headers.emplace_back("Accept", "application/json");
    return sts_.Handle({"POST", "/", r.headers, r.body}, kNow);
  }
  static aws::KeyValues Params(const std::string& action, aws::KeyValues extra = {}) {
    aws::KeyValues p = {{"Action", action}, {"Version", "2011-06-15"}};
    p.insert(p.end(), extra.begin(), extra.end());
    return p;
  }
  static std::string ErrorCodeOf(const StsAnswer& a) {
    auto pos = a.body.find("<Code>");
    return pos == std::string::npos ? "" : a.body.substr(pos + 6, a.body.find("</Code>") - pos - 6);
  }
  LocalSts sts_;
  aws::Credentials alice_{"AKIAALICE00000000001", "alice-secret-key-0000", "", std::nullopt, "t"};
};

TEST_F(LocalStsTest, GetCallerIdentityXmlAndJson) {
  StsAnswer xml = Call(Params("GetCallerIdentity"), alice_);
  ASSERT_EQ(xml.status, 200) << xml.body;
  auto who = ParseCallerIdentityResponse(xml.body);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->arn, "arn:aws:iam::111122223333:user/alice");
  EXPECT_EQ(who->user_id, "AIDAALICE00000000001");
  StsAnswer json = Call(Params("GetCallerIdentity"), alice_, kNow, true);
  EXPECT_EQ(json.content_type, "application/json");
  EXPECT_EQ(ParseCallerIdentityResponse(json.body)->account, "111122223333");
}

TEST_F(LocalStsTest, AssumeRoleIssuesVerifiableTemporaryCredentials) {
  StsAnswer a = Call(Params("AssumeRole", {{"RoleArn", "arn:aws:iam::111122223333:role/Admin"}, {"RoleSessionName", "s1"}}), alice_);
  ASSERT_EQ(a.status, 200) << a.body;
  auto role = ParseAssumeRoleResponse(a.body, "AssumeRole");
  ASSERT_TRUE(role.has_value()) << role.error().message;
  EXPECT_TRUE(role->credentials.access_key_id.starts_with("ASIA"));
  EXPECT_EQ(role->assumed_role_arn, "arn:aws:sts::111122223333:assumed-role/Admin/s1");
  EXPECT_EQ(*role->credentials.expiration, kNow + std::chrono::hours(1));
  auto who = ParseCallerIdentityResponse(Call(Params("GetCallerIdentity"), role->credentials).body);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->arn, "arn:aws:sts::111122223333:assumed-role/Admin/s1");
  EXPECT_EQ(who->user_id, "AROAADMIN00000000001:s1");
  // A forged session token is refused, and so is one whose time is up.
  aws::Credentials forged = role->credentials;
  forged.session_token[forged.session_token.size() - 1] ^= 1;
  EXPECT_EQ(ErrorCodeOf(Call(Params("GetCallerIdentity"), forged)), "InvalidClientTokenId");
  LocalSts later = sts_;
  aws::SignableRequest r;
  r.method = "POST";
  r.headers = {{"Host", "h"}};
  r.body = aws::EncodeQuery(Params("GetCallerIdentity"));
  aws::SignHeaders(r, role->credentials, {"us-east-1", "sts", kNow + std::chrono::hours(2)});
  EXPECT_EQ(ErrorCodeOf(later.Handle({"POST", "/", r.headers, r.body}, kNow + std::chrono::hours(2))), "ExpiredToken");
}

TEST_F(LocalStsTest, TrustPolicyAndExternalId) {
  StsAnswer denied = Call(Params("AssumeRole", {{"RoleArn", "arn:aws:iam::111122223333:role/Nope"}, {"RoleSessionName", "s2"}}), alice_);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(ErrorCodeOf(denied), "AccessDenied");
  EXPECT_NE(denied.body.find("User: arn:aws:iam::111122223333:user/alice is not authorized to perform: sts:AssumeRole"),
            std::string::npos);
  auto partner = [&](aws::KeyValues extra) {
    aws::KeyValues p = {{"RoleArn", "arn:aws:iam::111122223333:role/Partner"}, {"RoleSessionName", "s2"}};
    p.insert(p.end(), extra.begin(), extra.end());
    return Call(Params("AssumeRole", p), alice_);
  };
  EXPECT_EQ(ErrorCodeOf(partner({})), "AccessDenied");
  EXPECT_EQ(partner({{"ExternalId", "ext-42"}}).status, 200);
  EXPECT_EQ(ErrorCodeOf(partner({{"ExternalId", "ext-42"}, {"DurationSeconds", "99999"}})), "ValidationError");
  EXPECT_EQ(ErrorCodeOf(Call(Params("AssumeRole", {{"RoleArn", "arn:aws:iam::111122223333:role/Admin"},
                                                   {"RoleSessionName", "bad name!"}}),
                             alice_)),
            "ValidationError");
}

TEST_F(LocalStsTest, SignatureAndKeyErrors) {
  aws::Credentials wrong = alice_;
  wrong.secret_access_key = "not-the-secret";
  StsAnswer a = Call(Params("GetCallerIdentity"), wrong);
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(ErrorCodeOf(a), "SignatureDoesNotMatch");
  aws::Credentials unknown = alice_;
  unknown.access_key_id = "AKIAUNKNOWN000000000";
  EXPECT_EQ(ErrorCodeOf(Call(Params("GetCallerIdentity"), unknown)), "InvalidClientTokenId");
  EXPECT_EQ(ErrorCodeOf(Call(Params("GetCallerIdentity"), alice_, kNow - std::chrono::minutes(16))), "SignatureDoesNotMatch");
  EXPECT_EQ(ErrorCodeOf(sts_.Handle({"POST", "/", {{"Host", "h"}}, "Action=GetCallerIdentity&Version=2011-06-15"}, kNow)),
            "MissingAuthenticationToken");
  EXPECT_EQ(ErrorCodeOf(Call(Params("DeleteEverything"), alice_)), "InvalidAction");
  EXPECT_EQ(ErrorCodeOf(Call({{"Action", "GetCallerIdentity"}}, alice_)), "InvalidParameterValue");
}

// AWS refuses a long-term (AKIA) key that comes with a session token, whatever the token says.
TEST_F(LocalStsTest, LongTermKeysWithASessionTokenAreRefused) {
  aws::Credentials with_token = alice_;
  with_token.session_token = "bogus";
  StsAnswer a = Call(Params("GetCallerIdentity"), with_token);
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(ErrorCodeOf(a), "InvalidClientTokenId");
  EXPECT_EQ(Call(Params("GetCallerIdentity"), alice_).status, 200);
}

TEST_F(LocalStsTest, GetSessionTokenOnlyForLongTermKeys) {
  StsAnswer a = Call(Params("GetSessionToken", {{"DurationSeconds", "900"}}), alice_);
  ASSERT_EQ(a.status, 200) << a.body;
  auto c = ParseAssumeRoleResponse(a.body, "GetSessionToken");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(ParseCallerIdentityResponse(Call(Params("GetCallerIdentity"), c->credentials).body)->arn,
            "arn:aws:iam::111122223333:user/alice");
  EXPECT_EQ(ErrorCodeOf(Call(Params("GetSessionToken"), c->credentials)), "AccessDenied");
}

TEST(PrincipalStore, ErrorsNameFileKeyAndRule) {
  auto s = PrincipalStore::Parse(R"(
accounts:
- id: 1234
  users:
  - name: bad user
    userId: XYZ
    accessKeys: [{accessKeyId: nope, secretAccessKey: short}]
  roles:
  - name: R
    roleId: AROAR
    maxSessionDuration: 10
)", "principals.yaml");
  ASSERT_FALSE(s.has_value());
  const std::string& m = s.error().message;
  // Each at its value's line and column.
  EXPECT_NE(m.find("principals.yaml:3:7: accounts[0].id: must be 12 digits (quote it)"), std::string::npos) << m;
  EXPECT_NE(m.find("principals.yaml:5:11: accounts[0].users[0].name: must be letters, digits and +=,.@_-"), std::string::npos);
  EXPECT_NE(m.find("accounts[0].users[0].userId: must start with AIDA"), std::string::npos);
  EXPECT_NE(m.find("accounts[0].users[0].accessKeys[0].accessKeyId: must start with AKIA"), std::string::npos);
  EXPECT_NE(m.find("accounts[0].users[0].accessKeys[0].secretAccessKey: must be at least 16 characters"), std::string::npos);
  EXPECT_NE(m.find("principals.yaml:11:25: accounts[0].roles[0].maxSessionDuration: must be 3600 to 43200 seconds"), std::string::npos) << m;
  EXPECT_FALSE(PrincipalStore::Parse("{{{", "p.yaml").has_value());
  // Entries of the wrong shape are problems, not exceptions.
  auto shapes = PrincipalStore::Parse("accounts:\n- id: \"111122223333\"\n  users: [bob]\n  roles: {}\ninstances: [x]\n", "p.yaml");
  ASSERT_FALSE(shapes.has_value());
  EXPECT_EQ(shapes.error().message, "p.yaml:3:11: accounts[0].users[0]: must be a mapping\n"
                                    "p.yaml:4:10: accounts[0].roles: must be a list\n"
                                    "p.yaml:5:13: instances[0]: must be a mapping");
  auto scalar = PrincipalStore::Parse("accounts: 3", "p.yaml");
  ASSERT_FALSE(scalar.has_value());
  EXPECT_EQ(scalar.error().message, "p.yaml:1:11: accounts: must be a list of accounts");
}

}  // namespace
}  // namespace kubeiam::sts
