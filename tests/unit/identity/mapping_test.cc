// spec/authenticator.md §6.7 (records), §6.8 (MountedFile), templates and the chain (§6.11).
#include <gtest/gtest.h>

#include "identity/aws_auth.h"
#include "identity/mapper_chain.h"
#include "identity/templates.h"

namespace kubeiam::identity {
namespace {

RoleMapping Sso(std::string permset, std::string account, std::string partition = "") {
  RoleMapping r;
  r.sso = SsoMatcher{std::move(permset), std::move(account), std::move(partition)};
  return r;
}

TEST(MappingRecords, SsoRoles) {
  RoleMapping view = Sso("ViewOnlyAccess", "012345678912");
  ASSERT_TRUE(view.Validate().has_value());
  EXPECT_EQ(view.Key(), "arn:aws:iam::012345678912:role/awsreservedsso_viewonlyaccess_*");
  EXPECT_TRUE(view.Matches("arn:aws:iam::012345678912:role/awsreservedsso_viewonlyaccess_abcdefg"));
  EXPECT_FALSE(view.Matches("arn:aws:iam::012345678912:role/awsreservedsso_billing_hijklmn"));
  EXPECT_EQ(Sso("ViewOnlyAccess", "012345678912", "aws-nk").Validate().error().message,
            "partition 'aws-nk' is not a valid AWS partition");
  EXPECT_EQ(Sso("ViewOnlyAccess", "0123456789").Validate().error().message,
            "AccountID '0123456789' is not a valid AWS Account ID");
  EXPECT_EQ(Sso("ViewOnlyAccess*", "012345678912").Validate().error().message,
            "PermissionSetName 'ViewOnlyAccess*' is not a valid AWS SSO PermissionSet Name");
  // A partition that is given is used (the reference produced a pattern that never matched).
  EXPECT_TRUE(Sso("Admin", "012345678912", "aws-cn").Matches("arn:aws-cn:iam::012345678912:role/awsreservedsso_admin_1a2b"));
}

TEST(MappingRecords, RoleAndUserArns) {
  RoleMapping role{"arn:aws:iam::012345678912:role/KubeAdmin", std::nullopt, "", {}, ""};
  EXPECT_EQ(role.Key(), "arn:aws:iam::012345678912:role/kubeadmin");
  EXPECT_TRUE(role.Matches("arn:aws:iam::012345678912:role/kubeadmin"));
  EXPECT_FALSE(role.Matches("arn:aws:iam::012345678912:role/notkubeadmin"));
  EXPECT_EQ(RoleMapping{}.Validate().error().message, "one of rolearn or SSO must be supplied");
  RoleMapping both = Sso("A", "012345678912");
  both.rolearn = "arn:aws:iam::1:role/x";
  EXPECT_EQ(both.Validate().error().message, "only one of rolearn or SSO can be supplied");
  UserMapping user{"arn:aws:iam::012345678912:user/Shanice", "", {}, ""};
  EXPECT_EQ(user.Key(), "arn:aws:iam::012345678912:user/Shanice");
  EXPECT_EQ(UserMapping{}.Validate().error().message, "value for userarn must be supplied");
}

TEST(MappingRecords, BackendModes) {
  EXPECT_TRUE(ValidateBackendModes({"MountedFile", "EKSConfigMap", "CRD"}).has_value());
  EXPECT_EQ(*ValidateBackendModes({"File", "ConfigMap"}), (std::vector<std::string>{"MountedFile", "EKSConfigMap"}));
  EXPECT_FALSE(ValidateBackendModes({"ModeFoo"}).has_value());
  EXPECT_FALSE(ValidateBackendModes({}).has_value());
  EXPECT_FALSE(ValidateBackendModes({"MountedFile", "MountedFile"}).has_value());
  EXPECT_FALSE(ValidateBackendModes({"File", "MountedFile"}).has_value());
  EXPECT_EQ(*ValidateBackendModes({"DynamicFile", "MountedFile"}), (std::vector<std::string>{"DynamicFile", "MountedFile"}));
}

Identity Id(std::string canonical, std::string session = "", std::string account = "012345678910") {
  Identity id;
  id.arn = canonical;
  id.canonical_arn = std::move(canonical);
  id.session_name = std::move(session);
  id.account_id = std::move(account);
  id.user_id = "AROATEST";
  id.access_key_id = "ASIATEST";
  return id;
}

TEST(MountedFile, ReferenceTable) {
  auto t = BuildFileTable(
      {{"arn:aws:iam::012345678910:role/test-role", std::nullopt, "shreyas", {"system:masters"}, ""},
       Sso("CookieCutterPermissions", "012345678910"),
       {"arn:aws:sts::012345678910:assumed-role/test-assumed-role/session-name", std::nullopt, "test", {}, ""}},
      {{"arn:aws:iam::012345678910:user/donald", "donald", {}, ""}}, {"000000000000"});
  ASSERT_TRUE(t.has_value()) << t.error().message;
  auto find = [&](const std::string& arn) { return t->Find(Id(arn)); };
  EXPECT_EQ((*find("arn:aws:iam::012345678910:role/test-role"))->username, "shreyas");
  EXPECT_EQ((*find("arn:aws:iam::012345678910:role/awsreservedsso_cookiecutterpermissions_123123123"))->username, "");
  EXPECT_EQ((*find("arn:aws:iam::012345678910:role/test-assumed-role"))->username, "test");
  EXPECT_EQ((*find("arn:aws:iam::012345678910:user/donald"))->username, "donald");
  EXPECT_EQ((*find("arn:aws:iam::012345678910:user/Donald"))->username, "donald");
  EXPECT_FALSE(find("arn:aws:iam::012345678910:user/daisy")->has_value());
  EXPECT_TRUE(t->IsAccountAllowed("000000000000"));
}

TEST(MountedFile, RoleWithPathMatchesPathlessCanonicalArn) {
  auto t = BuildFileTable({{"arn:aws:iam::1:role/teams/platform/Admin", std::nullopt, "admin", {}, ""}}, {}, {});
  ASSERT_TRUE(t.has_value());
  auto m = t->Find(Id("arn:aws:iam::1:role/Admin"));
  ASSERT_TRUE(m.has_value() && m->has_value());
  EXPECT_EQ((*m)->username, "admin");
}

TEST(Templates, ReferenceVectors) {
  Identity id = Id("arn:aws:iam::123:role/r", "jdoe", "123");
  id.access_key_id = "321";
  EXPECT_EQ(*RenderTemplate("a-{{AccountID}}-b", id, nullptr), "a-123-b");
  EXPECT_EQ(*RenderTemplate("a-{{AccessKeyID}}-b", id, nullptr), "a-321-b");
  EXPECT_EQ(*RenderTemplate("a-{{SessionName}}-b", id, nullptr), "a-jdoe-b");
  id.session_name = "jdoe@example.com";
  EXPECT_EQ(*RenderTemplate("a-{{SessionName}}-b", id, nullptr), "a-jdoe-example.com-b");
  EXPECT_EQ(*RenderTemplate("a-{{SessionNameRaw}}-b", id, nullptr), "a-jdoe@example.com-b");
  EXPECT_EQ(*RenderTemplate("a-{{AccountID}}-{{SessionName}}-{{SessionNameRaw}}-b", id, nullptr),
            "a-123-jdoe-example.com-jdoe@example.com-b");
  EXPECT_EQ(*RenderTemplate("{{Session}}{{AccountId}}", id, nullptr), "{{Session}}{{AccountId}}");
  id.session_name = "i-aaaaa";
  EXPECT_EQ(RenderTemplate("a-{{EC2PrivateDNSName}}-b", id, nullptr).error().message,
            "SessionName did not contain an instance id");
  id.session_name = "i-0c6f21bf1f24f9708";
  PrivateDnsLookup lookup = [](const std::string& instance) -> Result<std::string> {
    if (instance == "i-0c6f21bf1f24f9708") return std::string("ip-172-31-27-14");
    return Fail(ErrorCode::kNotFound, "no such instance");
  };
  EXPECT_EQ(*RenderTemplate("system:node:{{EC2PrivateDNSName}}", id, lookup), "system:node:ip-172-31-27-14");
}

std::shared_ptr<const MappingTable> Table(std::vector<RoleMapping> roles, std::vector<UserMapping> users,
                                          std::vector<std::string> accounts) {
  return std::make_shared<const MappingTable>(*BuildFileTable(roles, users, accounts));
}

TEST(MapperChain, FirstMatchAccountsAndReservedPrefixes) {
  auto first = Table({}, {}, {"012345678910"});
  auto second = Table({{"arn:aws:iam::012345678910:role/Test", std::nullopt, "TestUser", {"sys:admin"}, ""}}, {}, {});
  Identity id = Id("arn:aws:iam::012345678910:role/Test", "TestSession");
  id.arn = "arn:aws:sts::012345678910:assumed-role/Test/TestSession";

  // An account allowed by the first backend wins over an explicit mapping in the second.
  auto by_account = MapIdentity({{"MountedFile", first, {}}, {"EKSConfigMap", second, {}}}, id, nullptr);
  ASSERT_TRUE(by_account.has_value());
  EXPECT_TRUE(by_account->by_account);
  EXPECT_EQ(by_account->username, "arn:aws:iam::012345678910:role/Test");
  EXPECT_TRUE(by_account->groups.empty());

  auto mapped = MapIdentity({{"EKSConfigMap", second, {}}, {"MountedFile", first, {}}}, id, nullptr);
  ASSERT_TRUE(mapped.has_value());
  EXPECT_EQ(mapped->username, "TestUser");
  EXPECT_EQ(mapped->backend, "EKSConfigMap");

  auto templated = Table({{"arn:aws:iam::012345678910:role/Test", std::nullopt, "{{SessionName}}:masters", {}, ""}}, {}, {});
  Identity sys = id;
  sys.session_name = "system";
  auto reserved = MapIdentity({{"DynamicFile", templated, {"system:", "eks:"}}}, sys, nullptr);
  ASSERT_FALSE(reserved.has_value());
  EXPECT_EQ(reserved.error().message,
            "invalid username 'system:masters' for mapper DynamicFile: username must not begin with with the "
            "following prefixes: [system: eks:]");
  EXPECT_EQ(MapIdentity({}, id, nullptr).error().message, "identity is not mapped");
}

TEST(MapperChain, NodeRoleWithEc2PrivateDnsName) {
  auto nodes = Table({{"arn:aws:iam::012345678910:role/TestNodeRole", std::nullopt, "system:node:{{EC2PrivateDNSName}}",
                       {"system:nodes", "system:bootstrappers"}, ""}},
                     {}, {});
  Identity id = Id("arn:aws:iam::012345678910:role/TestNodeRole", "i-0c6f21bf1f24f9708");
  auto info = MapIdentity({{"MountedFile", nodes, {}}}, id,
                          [](const std::string&) -> Result<std::string> { return std::string("ip-172-31-27-14"); });
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->username, "system:node:ip-172-31-27-14");
  EXPECT_EQ(info->groups, (std::vector<std::string>{"system:nodes", "system:bootstrappers"}));
}

}  // namespace
}  // namespace kubeiam::identity
