// spec/authenticator.md §6.9: the aws-auth ConfigMap.
#include "identity/aws_auth.h"

#include <gtest/gtest.h>

namespace kubeiam::identity {
namespace {

Identity Id(std::string canonical, std::string account = "012345678912") {
  Identity id;
  id.arn = id.canonical_arn = std::move(canonical);
  id.account_id = std::move(account);
  return id;
}

constexpr char kConfigMap[] = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
    - rolearn: arn:aws:iam::012345678912:role/computer
      username: system:node:{{EC2PrivateDNSName}}
      groups: [system:bootstrappers, system:nodes]
    - sso: {permissionSetName: ViewOnlyAccess, accountID: "012345678912"}
      username: viewer
      groups: [viewers]
  mapUsers: |
    - userarn: arn:aws:iam::012345678912:user/matt
      username: matt
      groups:
      - system:masters
  mapAccounts: |
    - "123"
)";

TEST(AwsAuth, LookupsAndAccounts) {
  auto parsed = ParseAwsAuthConfigMap(kConfigMap);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_TRUE(parsed->problems.empty());
  MappingTable t = BuildConfigMapTable(*parsed);
  EXPECT_EQ((*t.Find(Id("arn:aws:iam::012345678912:user/matt")))->username, "matt");
  EXPECT_FALSE(t.Find(Id("arn:aws:iam::012345678912:user/nic"))->has_value());
  EXPECT_EQ((*t.Find(Id("arn:aws:iam::012345678912:role/computer")))->groups,
            (std::vector<std::string>{"system:bootstrappers", "system:nodes"}));
  EXPECT_FALSE(t.Find(Id("arn:aws:iam::012345678912:role/borg"))->has_value());
  EXPECT_EQ((*t.Find(Id("arn:aws:iam::012345678912:role/awsreservedsso_viewonlyaccess_123123123")))->username, "viewer");
  EXPECT_TRUE(t.IsAccountAllowed("123"));
  EXPECT_FALSE(t.IsAccountAllowed("345"));
}

TEST(AwsAuth, KeyCaseInsideEntriesDoesNotMatterButTopLevelKeysDo) {
  auto crazy = ParseAwsAuthData("- rOlEaRn: arn:aws:iam::1:role/r\n  UserName: u\n  GROUPS: [g]\n",
                                "- UserARN: arn:aws:iam::1:user/x\n  username: x\n", "- 1\n");
  EXPECT_EQ(crazy.roles.size(), 1u);
  EXPECT_EQ(crazy.roles[0].username, "u");
  EXPECT_EQ(crazy.users.size(), 1u);
  EXPECT_EQ(crazy.accounts.size(), 1u);
  auto lower_top = ParseAwsAuthConfigMap("kind: ConfigMap\ndata:\n  maproles: |\n    - rolearn: arn:aws:iam::1:role/r\n");
  ASSERT_TRUE(lower_top.has_value());
  EXPECT_TRUE(lower_top->roles.empty());
}

TEST(AwsAuth, SpaceOutOfPlaceYieldsOddGroupNotAnError) {
  auto a = ParseAwsAuthData("- rolearn: arn:aws:iam::1:role/r\n  username: u\n  groups:\n    - system:bootstrappers - system:nodes\n", "", "");
  ASSERT_EQ(a.roles.size(), 1u);
  EXPECT_EQ(a.roles[0].groups, (std::vector<std::string>{"system:bootstrappers - system:nodes"}));
}

TEST(AwsAuth, MissingBarIsRejected) {
  auto a = ParseAwsAuthConfigMap("kind: ConfigMap\ndata:\n  mapRoles:\n    - rolearn: arn:aws:iam::1:role/r\n");
  ASSERT_FALSE(a.has_value());
  EXPECT_EQ(a.error().message.substr(0, 47), "aws-auth:4:5: data.mapRoles: must be a string (");
  auto named = ParseAwsAuthConfigMap("kind: ConfigMap\ndata: [1]\n", "cm.yaml");
  ASSERT_FALSE(named.has_value());
  EXPECT_EQ(named.error().message, "cm.yaml:2:7: data: must be a map of strings");
  auto broken = ParseAwsAuthConfigMap("kind: ConfigMap\ndata: {mapRoles: \"x\"\n", "cm.yaml");
  ASSERT_FALSE(broken.has_value());
  EXPECT_EQ(broken.error().message.substr(0, 29), "cm.yaml:3:1: not valid YAML: ");
}

TEST(AwsAuth, SkippableValues) {
  for (const char* v : {"", "``", "\"\"", "''", "   "}) {
    auto a = ParseAwsAuthData(v, v, v);
    EXPECT_TRUE(a.problems.empty()) << v;
    EXPECT_TRUE(a.roles.empty() && a.users.empty() && a.accounts.empty());
  }
}

TEST(AwsAuth, BadEntriesAreDroppedAndReportedTheRestKept) {
  auto a = ParseAwsAuthData(
      "- rolearn: arn:aws:iam::1:role/good\n  username: g\n- username: no-arn\n- sso: {permissionSetName: X, accountID: '12'}\n",
      "- username: nobody\n", "");
  EXPECT_EQ(a.roles.size(), 1u);
  ASSERT_EQ(a.problems.size(), 3u);
  EXPECT_EQ(a.problems[0], "mapRoles[1]: one of rolearn or SSO must be supplied");
  EXPECT_EQ(a.problems[1], "mapRoles[2]: AccountID '12' is not a valid AWS Account ID");
  EXPECT_EQ(a.problems[2], "mapUsers[0]: value for userarn must be supplied");
}

// From a manifest, a dropped entry names its line, in a block or in JSON's one-line strings.
TEST(AwsAuth, DroppedEntriesNameTheirManifestLine) {
  auto yaml = ParseAwsAuthConfigMap(
      "apiVersion: v1\nkind: ConfigMap\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::1:role/good\n      username: g\n"
      "    - username: no-arn\n  mapUsers: |\n    - username: nobody\n");
  ASSERT_TRUE(yaml.has_value()) << yaml.error().message;
  ASSERT_EQ(yaml->problems.size(), 2u);
  EXPECT_EQ(yaml->problems[0], "mapRoles[1] (line 7): one of rolearn or SSO must be supplied");
  EXPECT_TRUE(yaml->problems[1].starts_with("mapUsers[0] (line 9): ")) << yaml->problems[1];
  auto json = ParseAwsAuthConfigMap(
      "{\"kind\": \"ConfigMap\",\n \"data\": {\"mapRoles\": \"- rolearn: arn:aws:iam::1:role/r\\n- username: x\\n\"}}");
  ASSERT_TRUE(json.has_value()) << json.error().message;
  ASSERT_EQ(json->problems.size(), 1u);
  EXPECT_EQ(json->problems[0], "mapRoles[1] (line 2): one of rolearn or SSO must be supplied");
}

TEST(AwsAuth, ConfigMapRoleArnsAreNotCanonicalised) {
  auto a = ParseAwsAuthData("- rolearn: arn:aws:sts::1:assumed-role/R/s\n  username: u\n", "", "");
  MappingTable t = BuildConfigMapTable(a);
  EXPECT_FALSE(t.Find(Id("arn:aws:iam::1:role/R", "1"))->has_value());
}

TEST(AwsAuth, HostileInputIsAnErrorNotACrash) {
  EXPECT_FALSE(ParseAwsAuthConfigMap("{{{{").has_value());
  EXPECT_FALSE(ParseAwsAuthConfigMap("- a\n- b\n").has_value());
  EXPECT_FALSE(ParseAwsAuthConfigMap("kind: Secret\n").has_value());
  auto a = ParseAwsAuthData("[unclosed", "{a: b}", "- {x: y}");
  EXPECT_EQ(a.problems.size(), 3u);
}

}  // namespace
}  // namespace kubeiam::identity
