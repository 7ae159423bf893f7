#include "rbac/loader.h"

#include <gtest/gtest.h>

#include "rbac/authorizer.h"
#include "support/temp_dir.h"

namespace kubeiam::rbac {
namespace {

// The seed scenario: two Roles bound to two groups.
constexpr char kSeed[] = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-viewer-role, namespace: default}
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-admin-role, namespace: default}
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: pod-viewer, namespace: default}
subjects:
- {kind: Group, name: pod-viewer, apiGroup: rbac.authorization.k8s.io}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-viewer-role}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: pod-admin, namespace: default}
subjects:
- {kind: Group, name: pod-admin, apiGroup: rbac.authorization.k8s.io}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-admin-role}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: ignored}
)";

Attributes Pods(const std::string& verb, std::vector<std::string> groups) {
  Attributes a;
  a.user = {"alice", std::move(groups)};
  a.verb = verb;
  a.namespace_ = "default";
  a.resource = "pods";
  return a;
}

TEST(RbacLoader, SeedScenario) {
  auto o = ParseManifests(kSeed, "seed.yaml");
  ASSERT_TRUE(o.has_value()) << o.error().message;
  EXPECT_TRUE(o->problems.empty());
  EXPECT_EQ(o->roles.size(), 2u);
  EXPECT_EQ(o->role_bindings.size(), 2u);
  Authorizer p(o->roles, o->cluster_roles, o->role_bindings, o->cluster_role_bindings);
  EXPECT_TRUE(p.Authorize(Pods("get", {"pod-viewer"})).allowed);
  EXPECT_FALSE(p.Authorize(Pods("delete", {"pod-viewer"})).allowed);
  EXPECT_TRUE(p.Authorize(Pods("delete", {"pod-admin"})).allowed);  // after the group changes
  EXPECT_EQ(p.Authorize(Pods("delete", {"pod-admin"})).reason,
            "RBAC: allowed by RoleBinding \"pod-admin/default\" of Role \"pod-admin-role\" to Group \"pod-admin\"");
}

TEST(RbacLoader, JsonListsAndKubectlOutput) {
  auto o = ParseManifests(R"({"apiVersion":"v1","kind":"List","items":[
    {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"reader","labels":{"a":"b"}},
     "rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]},
    {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"readers"},
     "subjects":[{"kind":"User","name":"bob","apiGroup":"rbac.authorization.k8s.io"}],
     "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"reader"}}]})",
                          "list.json");
  ASSERT_TRUE(o.has_value());
  ASSERT_EQ(o->cluster_roles.size(), 1u);
  EXPECT_EQ(o->cluster_roles[0].labels.at("a"), "b");
  EXPECT_EQ(o->cluster_role_bindings.size(), 1u);
  auto rolelist = ParseManifests("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleList\nitems:\n"
                                 "- metadata: {name: r, namespace: ns}\n  kind: Role\n  rules: []\n",
                                 "rolelist.yaml");
  EXPECT_EQ(rolelist->roles.size(), 1u);
}

TEST(RbacLoader, ProblemsNameFileDocumentAndField) {
  auto o = ParseManifests(R"(kind: Role
metadata: {name: r, namespace: ns}
rules:
- nonResourceURLs: [/healthz]
  verbs: [get]
- resources: [pods]
---
kind: ClusterRoleBinding
metadata: {name: b}
subjects:
- {kind: ServiceAccount, name: sa}
- {kind: user, name: x}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
---
kind: ClusterRole
metadata: {}
)",
                          "bad.yaml");
  ASSERT_TRUE(o.has_value());
  auto has = [&](const std::string& s) {
    for (const auto& p : o->problems) {
      if (p.find(s) != std::string::npos) return true;
    }
    return false;
  };
  // Each at the value at fault, or the object that lacks it; lines count from the file's start.
  EXPECT_TRUE(has("bad.yaml:4:20: document 1 (Role r): rules[0].nonResourceURLs: namespaced rules cannot apply to non-resource URLs"));
  EXPECT_TRUE(has("bad.yaml:6:3: document 1 (Role r): rules[1].verbs: at least one verb is required"));
  EXPECT_TRUE(has("bad.yaml:11:3: document 2 (ClusterRoleBinding b): subjects[0].namespace: is required for a ServiceAccount"));
  EXPECT_TRUE(has("bad.yaml:12:10: document 2 (ClusterRoleBinding b): subjects[1].kind: must be User, Group or ServiceAccount, not \"user\""));
  EXPECT_TRUE(has("bad.yaml:13:54: document 2 (ClusterRoleBinding b): roleRef.kind: must be ClusterRole"));
  EXPECT_TRUE(has("bad.yaml:16:11: document 3 (ClusterRole <no name>): metadata.name: is required"));
  // Kept anyway (the authorizer tolerates them), except the nameless one.
  EXPECT_EQ(o->roles.size(), 1u);
  EXPECT_EQ(o->cluster_role_bindings.size(), 1u);
  EXPECT_TRUE(o->cluster_roles.empty());
  EXPECT_FALSE(ParseManifests("{{{", "x.yaml").has_value());
  auto broken = ParseManifests("kind: Role\n---\nkind: ClusterRole\nrules: [\n", "broken.yaml");
  ASSERT_FALSE(broken.has_value());
  EXPECT_EQ(broken.error().message.substr(0, 26), "broken.yaml:5:1: document ");
}

// Boost.JSON keeps no positions: a formatted JSON file with problems is read again for them.
TEST(RbacLoader, JsonProblemsCarryPositionsToo) {
  auto o = ParseManifests("{\"kind\": \"List\", \"items\": [\n  {\"kind\": \"ClusterRole\", \"metadata\": {\"name\": \"x\"},\n"
                          "   \"rules\": [{\"verbs\": \"get\"}]}]}\n",
                          "dump.json");
  ASSERT_TRUE(o.has_value());
  ASSERT_FALSE(o->problems.empty());
  EXPECT_EQ(o->problems[0], "dump.json:3:24: document 1 items[0] (ClusterRole x): rules[0].verbs: must be a list of strings");
  // Read differently (duplicate keys: Boost.JSON keeps the last, yaml-cpp finds the first), the
  // problems stay the JSON reading's, without positions.
  auto dup = ParseManifests("{\"kind\": \"ClusterRoleBinding\", \"metadata\": {\"name\": \"b\"},\n"
                            " \"roleRef\": {\"apiGroup\": \"rbac.authorization.k8s.io\", \"kind\": \"ClusterRole\", \"name\": \"a/b\", \"name\": \"ok\"},\n"
                            " \"subjects\": [{\"kind\": \"User\", \"kind\": \"Bogus\", \"name\": \"x\"}]}\n",
                            "dup.json");
  ASSERT_TRUE(dup.has_value());
  ASSERT_EQ(dup->problems.size(), 1u);
  EXPECT_EQ(dup->problems[0], "dup.json: document 1 (ClusterRoleBinding b): subjects[0].kind: must be User, Group or "
                              "ServiceAccount, not \"Bogus\"");
  // An empty name is missing, not of the wrong type.
  auto empty = ParseManifests("kind: ClusterRoleBinding\nmetadata: {name: b}\nroleRef: {apiGroup: rbac.authorization.k8s.io, "
                              "kind: ClusterRole, name: view}\nsubjects:\n- {kind: Group, name: \"\", apiGroup: rbac.authorization.k8s.io}\n",
                              "empty.yaml");
  ASSERT_TRUE(empty.has_value());
  ASSERT_EQ(empty->problems.size(), 1u);
  EXPECT_EQ(empty->problems[0], "empty.yaml:5:23: document 1 (ClusterRoleBinding b): subjects[0].name: is required");
  // A one-line document (a serialized object) gains nothing from a line: none is given.
  auto line = ParseManifests(R"({"kind": "ClusterRole", "metadata": {"name": "x"}, "rules": [{"verbs": "get"}]})", "request");
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->problems[0], "request: document 1 (ClusterRole x): rules[0].verbs: must be a list of strings");
}

TEST(RbacLoader, Folders) {
  testing::TempDir dir;
  dir.Write("a/roles.yaml", kSeed);
  dir.Write("b/more.json", R"({"kind":"ClusterRole","metadata":{"name":"x"},"rules":[]})");
  dir.Write("b/notes.txt", "not a manifest");
  auto o = LoadManifests(dir.path());
  ASSERT_TRUE(o.has_value()) << o.error().message;
  EXPECT_EQ(o->roles.size(), 2u);
  EXPECT_EQ(o->cluster_roles.size(), 1u);
  EXPECT_FALSE(LoadManifests(dir.path() + "/missing").has_value());
}

}  // namespace
}  // namespace kubeiam::rbac
