// spec/eks-access.md §6 and suggested tests T34-T37: eksctl's iamidentitymapping on a manifest,
// and the manifest written back with its other keys, readable by the authenticator.
#include "identity/identity_mapping.h"

#include <gtest/gtest.h>

#include "identity/aws_auth.h"

namespace kubeiam::identity {
namespace {

const char* kManifest = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
  labels: {team: platform}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/NodeRole
      username: system:node:{{EC2PrivateDNSName}}
      groups: [system:bootstrappers, system:nodes]
  extra: keep me
)";

const std::string kRole = "arn:aws:iam::111122223333:role/Admin";

TEST(IdentityMapping, Validation) {  // §6.2, T36
  struct Case {
    IdentityMapping m;
    const char* error;
  } cases[] = {
      {{"", "u", {}, "", false}, "expected a valid arn but got empty string"},
      {{kRole, "", {}, "", false}, "neither username nor group are set for iam identity"},
      {{"arn:aws:sts::1:assumed-role/r/s", "u", {}, "", false}, "arn is neither user nor role"},
      {{"arn:aws:iam::111122223333:root", "u", {}, "", false}, "arn is neither user nor role"},
      {{kRole, "u", {}, "111122223333", false}, "account cannot be configured with any other options"},
  };
  for (const auto& c : cases) {
    auto s = ValidateIdentityMapping(c.m);
    ASSERT_FALSE(s) << c.error;
    EXPECT_EQ(s.error().message, c.error);
  }
  EXPECT_TRUE(ValidateIdentityMapping({"", "", {}, "111122223333", false}));
  EXPECT_TRUE(ValidateIdentityMapping({"arn:aws:iam::111122223333:role/a/b/Path", "u", {}, "", false})) << "paths not checked";
}

TEST(IdentityMapping, CreateTwiceShadowsOrRefuses) {  // T34
  auto m = AwsAuthManifest::Parse(kManifest);
  ASSERT_TRUE(m) << m.error().message;
  EditLog log;
  ASSERT_TRUE(*CreateIdentityMapping(*m, {kRole, "admin", {"system:masters"}, "", false}, log));
  EXPECT_EQ(log.info.back(), "adding identity \"" + kRole + "\" to auth ConfigMap");
  ASSERT_TRUE(*CreateIdentityMapping(*m, {kRole, "admin", {"system:masters"}, "", false}, log));
  EXPECT_EQ(m->roles.size(), 3u) << "two rows, the second shadows the first";
  EXPECT_EQ(log.warnings.back(),
            "found existing mappings with same arn \"" + kRole + "\" (which will be shadowed by your new mapping)");
  // --no-duplicate-arns: identical (groups in any order) is skipped, differing is an error.
  auto m2 = AwsAuthManifest::Parse(kManifest);
  ASSERT_TRUE(*CreateIdentityMapping(*m2, {kRole, "admin", {"a", "b"}, "", true}, log));
  EXPECT_FALSE(*CreateIdentityMapping(*m2, {kRole, "admin", {"b", "a"}, "", true}, log));
  EXPECT_EQ(log.warnings.back(), "found existing mapping that matches the one being created, skipping.");
  auto differing = CreateIdentityMapping(*m2, {kRole, "other", {"a"}, "", true}, log);
  ASSERT_FALSE(differing);
  EXPECT_EQ(differing.error().message, "found existing mapping with the same arn \"" + kRole + "\" and shadowing is disabled");
  // Accounts are sorted and de-duplicated.
  ASSERT_TRUE(*CreateIdentityMapping(*m2, {"", "", {}, "444455556666", false}, log));
  ASSERT_TRUE(*CreateIdentityMapping(*m2, {"", "", {}, "111122223333", false}, log));
  ASSERT_TRUE(*CreateIdentityMapping(*m2, {"", "", {}, "444455556666", false}, log));
  EXPECT_EQ(m2->accounts, (std::vector<std::string>{"111122223333", "444455556666"}));
}

TEST(IdentityMapping, DeleteFirstOrAll) {  // T35
  auto m = AwsAuthManifest::Parse(kManifest);
  EditLog log;
  for (const char* user : {"a", "b", "c"}) ASSERT_TRUE(*CreateIdentityMapping(*m, {kRole, user, {}, "", false}, log));
  ASSERT_TRUE(DeleteIdentityMapping(*m, kRole, "", false, log));
  EXPECT_EQ(log.info.back(), "removing identity \"" + kRole + "\" from auth ConfigMap (username = \"a\", groups = \"[]\")");
  EXPECT_EQ(log.warnings.back(), "there are 2 mappings left with same arn \"" + kRole + "\" (use --all to delete them at once)");
  ASSERT_TRUE(DeleteIdentityMapping(*m, kRole, "", true, log));
  EXPECT_EQ(m->roles.size(), 1u);
  auto missing = DeleteIdentityMapping(*m, kRole, "", false, log);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "instance identity ARN \"" + kRole + "\" not found in auth ConfigMap");
  EXPECT_TRUE(DeleteIdentityMapping(*m, kRole, "", true, log)) << "--all with no match is fine";
  EXPECT_EQ(DeleteIdentityMapping(*m, "", "", false, log).error().message, "either --arn or --account must be set");
  EXPECT_EQ(DeleteIdentityMapping(*m, "", "999999999999", false, log).error().message,
            "account \"999999999999\" not found in auth ConfigMap");
}

TEST(IdentityMapping, WrittenBackKeepsOtherKeysAndParses) {
  auto m = AwsAuthManifest::Parse(kManifest);
  EditLog log;
  ASSERT_TRUE(*CreateIdentityMapping(*m, {kRole, "{{SessionName}}", {"system:masters"}, "", false}, log));
  ASSERT_TRUE(*CreateIdentityMapping(*m, {"arn:aws:iam::111122223333:user/bob", "bob", {}, "", false}, log));
  ASSERT_TRUE(*CreateIdentityMapping(*m, {"", "", {}, "444455556666", false}, log));
  std::string text = m->Serialize();
  EXPECT_NE(text.find("extra: keep me"), std::string::npos) << text;
  EXPECT_NE(text.find("team: platform"), std::string::npos) << text;
  EXPECT_NE(text.find("mapRoles: |"), std::string::npos) << text;
  auto parsed = ParseAwsAuthConfigMap(text);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->problems.empty()) << parsed->problems[0];
  ASSERT_EQ(parsed->roles.size(), 2u);
  EXPECT_EQ(parsed->roles[1].username, "{{SessionName}}") << "quoted on the way out";
  EXPECT_EQ(parsed->users.size(), 1u);
  EXPECT_EQ(parsed->accounts, std::vector<std::string>{"444455556666"});
  auto again = AwsAuthManifest::Parse(text);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->roles, m->roles);
  EXPECT_EQ(again->Serialize(), text) << "stable";
  // A section the authenticator cannot read is not edited.
  auto broken = AwsAuthManifest::Parse("kind: ConfigMap\ndata:\n  mapRoles: |\n    - rolearn: x\n      username: {{SessionName}}\n");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().message.find("aws-auth:3:13: unmarshalling \"mapRoles\""), 0u) << broken.error().message;
  auto list = AwsAuthManifest::Parse("kind: ConfigMap\ndata:\n  mapRoles:\n  - rolearn: x\n", "cm.yaml");
  ASSERT_FALSE(list);
  EXPECT_EQ(list.error().message, "cm.yaml:4:3: data.mapRoles: must be a string (a block scalar: mapRoles: |)");
  auto yaml = AwsAuthManifest::Parse("kind: ConfigMap\ndata: [\n", "cm.yaml");
  ASSERT_FALSE(yaml);
  EXPECT_EQ(yaml.error().message.find("cm.yaml:3:1: not valid YAML: "), 0u) << yaml.error().message;
  EXPECT_TRUE(AwsAuthManifest::Parse("")) << "no file yet: a new ConfigMap";
}

}  // namespace
}  // namespace kubeiam::identity
