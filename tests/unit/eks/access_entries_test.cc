// Access-entries documents: the shapes `aws eks describe-access-entry` and
// `list-associated-access-policies` print, in YAML or JSON, and the errors for bad ones.
#include "eks/access_entries.h"

#include <gtest/gtest.h>

namespace kubeiam::eks {
namespace {

TEST(AccessEntries, ReadsDescribeOutputShapes) {
  // One entry as describe-access-entry prints it, wrapped with its policies; one flat entry.
  const char* json = R"([
    {"accessEntry": {"clusterName": "demo", "principalArn": "arn:aws:iam::111122223333:role/teams/Dev",
                     "kubernetesGroups": ["devs"], "username": "arn:aws:sts::111122223333:assumed-role/Dev/{{SessionName}}",
                     "type": "STANDARD", "tags": {"team": "a"},
                     "createdAt": "2025-04-14T22:45:48.097000-05:00", "modifiedAt": 1744700000.5},
     "associatedAccessPolicies": [
       {"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
        "accessScope": {"type": "namespace", "namespaces": ["dev-*"]},
        "associatedAt": "2025-05-24T15:59:51.981000-05:00"}]},
    {"principalArn": "arn:aws:iam::111122223333:user/ops", "principalId": "AIDAEXAMPLE",
     "associatedAccessPolicies": [{"policyArn": "AmazonEKSClusterAdminPolicy", "accessScope": {"type": "cluster"}}]}
  ])";
  auto set = ParseAccessEntries(json, "entries.json");
  ASSERT_TRUE(set) << set.error().message;
  ASSERT_EQ(set->entries().size(), 2u);
  const AccessEntry* dev = set->Find("ARN:AWS:IAM::111122223333:ROLE/TEAMS/DEV");
  ASSERT_NE(dev, nullptr);
  EXPECT_EQ(dev->kubernetes_groups, std::vector<std::string>{"devs"});
  EXPECT_EQ(dev->tags.at("team"), "a");
  EXPECT_EQ(dev->created_at, *ParseRfc3339("2025-04-15T03:45:48.097Z"));
  ASSERT_EQ(dev->policies.size(), 1u);
  EXPECT_EQ(dev->policies[0].scope.namespaces, std::vector<std::string>{"dev-*"});
  const AccessEntry* ops = set->Find("arn:aws:iam::111122223333:user/ops");
  ASSERT_NE(ops, nullptr);
  EXPECT_EQ(ops->username, "arn:aws:iam::111122223333:user/ops");
  EXPECT_EQ(ops->principal_id, "AIDAEXAMPLE");
  EXPECT_EQ(ops->policies[0].policy, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
}

TEST(AccessEntries, ReadsYamlAndWrappers) {
  const char* yaml = R"(accessEntries:
- principalArn: arn:aws:iam::111122223333:role/node
  type: EC2_LINUX
  kubernetesGroups: [system:nodes]
  username: system:node:{{EC2PrivateDNSName}}
- principalArn: arn:aws:iam::111122223333:role/viewer
  kubernetesGroups: [pod-viewer]
)";
  auto set = ParseAccessEntries(yaml, "entries.yaml");
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->entries().size(), 2u);
  EXPECT_EQ(set->Find("arn:aws:iam::111122223333:role/node")->kubernetes_groups, std::vector<std::string>{"system:nodes"});
  auto one = ParseAccessEntries(R"({"accessEntry": {"principalArn": "arn:aws:iam::111122223333:user/u"}})", "one.json");
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(one->entries().size(), 1u);
  EXPECT_TRUE(ParseAccessEntries("", "empty.yaml")->empty());
}

TEST(AccessEntries, ErrorsNameFileEntryAndField) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {R"([{"principalArn": "arn:aws:sts::1:assumed-role/r/s"}])",
       "e.json: [0]: InvalidParameterException: The principalArn parameter format is not valid"},
      {R"([{"principalArn": "arn:aws:iam::111122223333:role/r", "kubernetesGroups": ["system:masters"]}])",
       "e.json: [0]: InvalidParameterException: The kubernetes group name system:masters is invalid, it cannot start with system:"},
      {R"([{"principalArn": "arn:aws:iam::111122223333:role/r", "kubernetesGroups": "devs"}])",
       "e.json: [0]: kubernetesGroups: must be a list of strings"},
      {R"([{"principalArn": "arn:aws:iam::111122223333:role/r"}, {"principalArn": "arn:aws:iam::111122223333:role/R"}])",
       "e.json: [1]: principalArn arn:aws:iam::111122223333:role/R already has an entry at [0] (one entry per principal)"},
      {R"([{"principalArn": "arn:aws:iam::111122223333:role/r", "associatedAccessPolicies": [{"policyArn": "Nope"}]}])",
       "e.json: [0]: associatedAccessPolicies[0].policyArn: Nope is not an access policy"},
      {R"([{"principalArn": "arn:aws:iam::111122223333:role/r", "associatedAccessPolicies": [{"policyArn": "AmazonEKSViewPolicy", "accessScope": {"type": "namespace"}}]}])",
       "e.json: [0]: associatedAccessPolicies[0]: InvalidParameterException: accessScope.namespaces must name 1 to 100 namespaces when accessScope.type is namespace"},
      {R"([{"principalArn": "arn:aws:iam::111122223333:role/r", "createdAt": "yesterday"}])",
       "e.json: [0]: createdAt: not a time (ISO 8601 or epoch seconds): yesterday"},
      {R"("just a string")", "e.json:1:1: must be a list of access entries or {\"accessEntries\": [...]}"},
      // Formatted files: the line and column of the value at fault (JSON is read again for it).
      {"[\n  {\"principalArn\": \"arn:aws:iam::111122223333:role/r\",\n   \"kubernetesGroups\": \"devs\"}]\n",
       "e.json:3:24: [0]: kubernetesGroups: must be a list of strings"},
      {"- principalArn: arn:aws:iam::111122223333:role/r\n  createdAt: yesterday\n",
       "e.json:2:14: [0]: createdAt: not a time (ISO 8601 or epoch seconds): yesterday"},
      {"- principalArn: arn:aws:iam::111122223333:role/r\n- principalArn: arn:aws:iam::111122223333:role/r\n",
       "e.json:2:17: [1]: principalArn arn:aws:iam::111122223333:role/r already has an entry at [0] (one entry per principal)"},
      {"- principalArn: arn:aws:iam::111122223333:role/r\n  kubernetesGroups: [a\n", "e.json:3:1: not valid YAML or JSON: end of sequence flow not found"},
      // Duplicate keys, read differently by the two parsers: the JSON reading's error, unplaced.
      {"[\n  {\"principalArn\": \"arn:aws:iam::111122223333:role/r\", \"kubernetesGroups\": [\"ok\"],\n   \"kubernetesGroups\": \"devs\"}]\n",
       "e.json: [0]: kubernetesGroups: must be a list of strings"},
  };
  for (const auto& c : cases) {
    auto r = ParseAccessEntries(c.text, "e.json");
    ASSERT_FALSE(r) << c.text;
    EXPECT_EQ(r.error().message, c.message);
  }
  EXPECT_FALSE(ParseAccessEntries("- principalArn: arn:aws:iam::111122223333:user/a\n---\n- x\n", "two.yaml"));
  EXPECT_FALSE(ParseAccessEntries("[{\"principalArn\": \"\xff\"}]", "bad-utf8.json"));
}

}  // namespace
}  // namespace kubeiam::eks
