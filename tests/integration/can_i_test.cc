// kubeiam can-i, the real binary: kubectl auth can-i's syntax, exit codes and output.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <regex>

#include "integration/cli_runner.h"
#include "support/paths.h"
#include "support/temp_dir.h"

namespace kubeiam {
namespace {

using testing::Outcome;

class CanI : public ::testing::Test {
 protected:
  void SetUp() override {
    rbac_ = dir_.Write("rbac/seed.yaml", R"(apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-viewer-role, namespace: default}
rules: [{apiGroups: [""], resources: [pods], verbs: [get, list, watch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-admin-role, namespace: default}
rules: [{apiGroups: [""], resources: [pods], verbs: ["*"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: pod-viewer, namespace: default}
subjects: [{kind: Group, name: pod-viewer, apiGroup: rbac.authorization.k8s.io}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-viewer-role}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: pod-admin, namespace: default}
subjects: [{kind: Group, name: pod-admin, apiGroup: rbac.authorization.k8s.io}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-admin-role}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: viewers, namespace: default}
subjects: [{kind: Group, name: viewers, apiGroup: rbac.authorization.k8s.io}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
)");
  }
  Outcome CanI_(std::vector<std::string> args) {
    args.insert(args.begin(), {KUBEIAM_BINARY, "can-i"});
    args.insert(args.end(), {"--rbac", dir_.path() + "/rbac"});
    return testing::Run(args, {});
  }
  testing::TempDir dir_;
  std::string rbac_;
};

TEST_F(CanI, SeedScenario) {
  Outcome yes = CanI_({"get", "pods", "--as", "alice", "--as-group", "pod-viewer"});
  EXPECT_EQ(yes.exit_code, 0) << yes.err;
  EXPECT_EQ(yes.out, "yes\n");
  Outcome no = CanI_({"delete", "pods", "--as", "alice", "--as-group", "pod-viewer"});
  EXPECT_EQ(no.exit_code, 1);
  EXPECT_EQ(no.out, "no\n");
  EXPECT_EQ(CanI_({"delete", "po", "--as", "alice", "--as-group", "pod-admin"}).exit_code, 0);
  EXPECT_EQ(CanI_({"delete", "pods", "--as", "alice", "--as-group", "pod-admin", "-n", "other"}).exit_code, 1);
}

TEST_F(CanI, DefaultPolicyAndKubectlMappings) {
  EXPECT_EQ(CanI_({"get", "/healthz", "--as", "system:anonymous"}).exit_code, 0);             // KC11
  EXPECT_EQ(CanI_({"get", "/api", "--as", "system:anonymous"}).exit_code, 1);
  EXPECT_EQ(CanI_({"create", "selfsubjectaccessreviews.authorization.k8s.io", "--as", "alice"}).exit_code, 0);
  EXPECT_EQ(CanI_({"list", "pods", "--as", "alice", "--as-group", "pod-viewer", "-A"}).exit_code, 1);  // KC2
  EXPECT_EQ(CanI_({"get", "pods", "--subresource", "log", "--as", "bob", "--as-group", "viewers"}).exit_code, 0);
  EXPECT_EQ(CanI_({"get", "secrets", "--as", "bob", "--as-group", "viewers"}).exit_code, 1);
  EXPECT_EQ(CanI_({"list", "jobs.batch/bar", "-n", "default", "--as", "bob", "--as-group", "viewers"}).exit_code, 0);
  EXPECT_EQ(CanI_({"*", "*", "--as", "root", "--as-group", "system:masters"}).exit_code, 0);        // KC6
  Outcome sa = CanI_({"get", "/.well-known/openid-configuration", "--as", "system:serviceaccount:dev:foo"});
  EXPECT_EQ(sa.exit_code, 0) << "service accounts get their implied groups";
}

TEST_F(CanI, ExplainJsonAndList) {
  Outcome e = CanI_({"get", "pods", "--as", "alice", "--as-group", "pod-viewer", "--explain"});
  EXPECT_NE(e.out.find("RBAC: allowed by RoleBinding \"pod-viewer/default\" of Role \"pod-viewer-role\" to Group \"pod-viewer\""),
            std::string::npos)
      << e.out;
  Outcome j = CanI_({"delete", "pods", "--as", "alice", "--as-group", "pod-viewer", "-o", "json"});
  EXPECT_EQ(j.exit_code, 1);
  auto doc = boost::json::parse(j.out).as_object();
  EXPECT_FALSE(doc.at("allowed").as_bool());
  EXPECT_EQ(doc.at("groups").as_array().back().as_string(), "system:authenticated");
  Outcome l = CanI_({"--list", "--as", "alice", "--as-group", "pod-viewer"});
  EXPECT_EQ(l.exit_code, 0) << l.err;
  EXPECT_TRUE(l.out.starts_with("Resources")) << l.out;
  EXPECT_NE(l.out.find("pods "), std::string::npos);
  EXPECT_NE(l.out.find("[get list watch]"), std::string::npos);
  EXPECT_NE(l.out.find("selfsubjectaccessreviews.authorization.k8s.io"), std::string::npos);
  EXPECT_NE(l.out.find("/healthz"), std::string::npos);
}

TEST_F(CanI, ArnThroughTheServersMappings) {
  std::string examples = std::string(KUBEIAM_TEST_DIR) + "/../examples/local";
  auto arn = [&](const std::string& a, std::vector<std::string> args) {
    args.insert(args.end(), {"--arn", a, "--config", examples + "/config.yaml", "--aws-auth", examples + "/aws-auth.yaml"});
    return CanI_(args);
  };
  // KubernetesAdmin maps to system:masters in the config.
  Outcome admin = arn("arn:aws:sts::111122223333:assumed-role/KubernetesAdmin/alice", {"delete", "nodes", "--explain"});
  EXPECT_EQ(admin.exit_code, 0) << admin.out << admin.err;
  EXPECT_NE(admin.out.find("admin:alice [system:masters] (mapped by MountedFile)"), std::string::npos) << admin.out;
  // The developer maps through aws-auth to group viewers, bound to view in default.
  EXPECT_EQ(arn("arn:aws:iam::111122223333:user/engineering/developer", {"get", "pods"}).exit_code, 0);
  EXPECT_EQ(arn("arn:aws:iam::111122223333:user/engineering/developer", {"delete", "pods"}).exit_code, 1);
  Outcome unmapped = arn("arn:aws:iam::111122223333:user/outsider", {"get", "pods"});
  EXPECT_EQ(unmapped.exit_code, 1);
  EXPECT_EQ(unmapped.out, "no - identity is not mapped\n");
}

// --store: the entries, policies and authentication mode kept in a store, as the server reads
// them; the store's mode wins unless --authentication-mode says otherwise.
TEST_F(CanI, ArnThroughAStore) {
  std::string store = dir_.path() + "/access.db", arn = "arn:aws:iam::111122223333:user/dev";
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), KUBEIAM_BINARY);
    return testing::Run(args, {});
  };
  ASSERT_EQ(run({"access-entry", "create", "--store", store, "--cluster-name", "demo", "--principal-arn", arn, "--username",
                 "dev", "--kubernetes-groups", "pod-viewer"}).exit_code,
            0);
  Outcome viewer = CanI_({"get", "pods", "--store", store, "--arn", arn, "--explain"});
  EXPECT_EQ(viewer.exit_code, 0) << viewer.out << viewer.err;
  EXPECT_NE(viewer.out.find("dev [pod-viewer] (mapped by AccessEntry)"), std::string::npos) << viewer.out;
  EXPECT_EQ(CanI_({"delete", "pods", "--store", store, "--arn", arn}).exit_code, 1);
  ASSERT_EQ(run({"access-entry", "associate-policy", "--store", store, "--cluster-name", "demo", "--principal-arn", arn,
                 "--policy-arn", "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy", "--access-scope",
                 "type=cluster"}).exit_code,
            0);
  EXPECT_EQ(CanI_({"delete", "pods", "--store", store, "--arn", arn}).exit_code, 0) << "the policy, read from the store";
  Outcome config_map = CanI_({"get", "pods", "--store", store, "--arn", arn, "--authentication-mode", "CONFIG_MAP"});
  EXPECT_EQ(config_map.out, "no - identity is not mapped\n") << "CONFIG_MAP ignores access entries";
  Outcome missing = CanI_({"get", "pods", "--store", dir_.path() + "/none.db", "--arn", arn});
  EXPECT_EQ(missing.out, "no - identity is not mapped\n") << "a store not created yet holds nothing";
}

TEST_F(CanI, WhoCanNamesBindingsAndIamPrincipals) {
  std::string examples = std::string(KUBEIAM_TEST_DIR) + "/../examples/local";
  Outcome o = testing::Run({KUBEIAM_BINARY, "who-can", "get", "pods", "--rbac", dir_.path() + "/rbac", "--config",
                            examples + "/config.yaml", "--aws-auth", examples + "/aws-auth.yaml", "-o", "json"},
                           {});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  auto rows = boost::json::parse(o.out).as_array();
  auto find = [&](const std::string& subject, const std::string& via_part) -> const boost::json::object* {
    for (const auto& r : rows) {
      const auto& obj = r.as_object();
      if (obj.at("subject").as_string() == subject &&
          std::string(obj.at("via").as_string()).find(via_part) != std::string::npos) {
        return &obj;
      }
    }
    return nullptr;
  };
  const auto* masters = find("system:masters", "always allowed");
  ASSERT_NE(masters, nullptr);
  EXPECT_EQ(masters->at("iamPrincipals").as_array()[0].as_string(), "arn:aws:iam::111122223333:role/KubernetesAdmin");
  const auto* viewers = find("viewers", "RoleBinding default/viewers -> ClusterRole view");
  ASSERT_NE(viewers, nullptr);
  EXPECT_EQ(viewers->at("iamPrincipals").as_array()[0].as_string(), "arn:aws:iam::111122223333:user/engineering/developer");
  EXPECT_NE(find("pod-viewer", "RoleBinding default/pod-viewer -> Role pod-viewer-role"), nullptr);
  EXPECT_EQ(find("pod-viewer", "other"), nullptr);
  // Another namespace: the default-namespace RoleBindings do not count there, unless -A.
  Outcome other = testing::Run({KUBEIAM_BINARY, "who-can", "get", "pods", "-n", "other", "--rbac", dir_.path() + "/rbac"}, {});
  EXPECT_EQ(other.out.find("pod-viewer"), std::string::npos);
  Outcome all = testing::Run({KUBEIAM_BINARY, "who-can", "get", "pods", "-A", "--rbac", dir_.path() + "/rbac"}, {});
  EXPECT_NE(all.out.find("RoleBinding default/pod-viewer"), std::string::npos) << all.out;
}

TEST_F(CanI, Lookup) {
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {KUBEIAM_BINARY, "lookup"});
    args.insert(args.end(), {"--rbac", dir_.path() + "/rbac", "-o", "json"});
    Outcome o = testing::Run(args, {});
    EXPECT_EQ(o.exit_code, 0) << o.err;
    return boost::json::parse(o.out).as_array();
  };
  auto masters = run({"system:masters"});
  ASSERT_EQ(masters.size(), 1u);
  EXPECT_EQ(masters[0].at("role").as_string(), "cluster-admin");
  EXPECT_EQ(masters[0].at("namespace").as_string(), "");
  auto viewer = run({"pod-viewer"});
  ASSERT_EQ(viewer.size(), 1u);
  EXPECT_EQ(viewer[0].at("scope").as_string(), "Role");
  EXPECT_EQ(viewer[0].at("namespace").as_string(), "default");
  EXPECT_EQ(viewer[0].at("binding").as_string(), "pod-viewer");
  EXPECT_EQ(run({"-e", "^pod-"}).size(), 2u);
  std::string examples = std::string(KUBEIAM_TEST_DIR) + "/../examples/local";
  auto dev = run({"--arn", "arn:aws:iam::111122223333:user/engineering/developer", "--aws-auth", examples + "/aws-auth.yaml"});
  ASSERT_EQ(dev.size(), 1u);
  EXPECT_EQ(dev[0].at("subject").as_string(), "viewers");
  Outcome bad = testing::Run({KUBEIAM_BINARY, "lookup", "-e", "(("}, {});
  EXPECT_EQ(bad.exit_code, 2);
}

TEST_F(CanI, AccessMatrix) {
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {KUBEIAM_BINARY, "access-matrix"});
    args.insert(args.end(), {"--rbac", dir_.path() + "/rbac"});
    return testing::Run(args, {});
  };
  Outcome o = run({"--as", "alice", "--as-group", "pod-viewer", "-n", "default", "--verbs", "get,delete", "-o", "json"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  auto rows = boost::json::parse(o.out).as_array();
  auto cell = [&](const std::string& resource, const std::string& verb) {
    for (const auto& r : rows) {
      if (r.at("resource").as_string() == resource) return r.at("verbs").at(verb).as_bool();
    }
    ADD_FAILURE() << "no row for " << resource;
    return false;
  };
  EXPECT_TRUE(cell("pods", "get"));
  EXPECT_FALSE(cell("pods", "delete"));
  EXPECT_FALSE(cell("secrets", "get"));
  for (const auto& r : rows) EXPECT_NE(r.at("resource").as_string(), "nodes") << "-n lists namespaced resources only";
  Outcome table = run({"--as", "root", "--as-group", "system:masters"});
  ASSERT_EQ(table.exit_code, 0);
  EXPECT_TRUE(table.out.starts_with("NAME")) << table.out;
  EXPECT_NE(table.out.find("LIST   CREATE   UPDATE   DELETE"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("nodes"), std::string::npos);
  EXPECT_FALSE(std::regex_search(table.out, std::regex("\\bno\\b"))) << "system:masters may do everything (yes/no: not a TTY)";
  EXPECT_EQ(run({"--verbs", "get"}).exit_code, 2);
}

// --access-entries: EKS access entries map the ARN and their access policies join RBAC
// (spec/eks-access.md §4.2-§4.4, suggested tests T16, T19, T20, T21).
class CanIAccessEntries : public CanI {
 protected:
  void SetUp() override {
    CanI::SetUp();
    dir_.Write("rbac/crd.yaml", R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: foo-reader}
rules: [{apiGroups: [example.com], resources: [foos], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crd-users}
subjects: [{kind: Group, name: crd-users, apiGroup: rbac.authorization.k8s.io}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: foo-reader}
)");
    entries_ = dir_.Write("entries.json", R"({"accessEntries": [
      {"principalArn": "arn:aws:iam::111122223333:role/Admin",
       "associatedAccessPolicies": [{"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                                     "accessScope": {"type": "cluster", "namespaces": []}}]},
      {"principalArn": "arn:aws:iam::111122223333:role/teams/Dev", "kubernetesGroups": ["crd-users"],
       "associatedAccessPolicies": [{"policyArn": "AmazonEKSEditPolicy", "accessScope": {"type": "cluster"}}]},
      {"principalArn": "arn:aws:iam::111122223333:role/NsAdmin",
       "associatedAccessPolicies": [{"policyArn": "AmazonEKSAdminPolicy",
                                     "accessScope": {"type": "namespace", "namespaces": ["ns1"]}}]},
      {"principalArn": "arn:aws:iam::111122223333:user/viewer",
       "associatedAccessPolicies": [{"policyArn": "AmazonEKSViewPolicy",
                                     "accessScope": {"type": "namespace", "namespaces": ["dev-*"]}}]}]})");
  }
  Outcome As(const std::string& arn, std::vector<std::string> args) {
    args.insert(args.end(), {"--arn", arn, "--access-entries", entries_});
    return CanI_(args);
  }
  static constexpr char kViewer[] = "arn:aws:iam::111122223333:user/viewer";
  static constexpr char kAdmin[] = "arn:aws:sts::111122223333:assumed-role/Admin/alice";
  std::string entries_;
};

TEST_F(CanIAccessEntries, NamespaceScopedView) {  // T16
  Outcome yes = As(kViewer, {"get", "pods", "-n", "dev-a", "--explain"});
  EXPECT_EQ(yes.exit_code, 0) << yes.out << yes.err;
  EXPECT_NE(yes.out.find("allowed by access policy AmazonEKSViewPolicy (namespace scope: dev-*)"), std::string::npos) << yes.out;
  EXPECT_NE(yes.out.find("(mapped by AccessEntry)"), std::string::npos) << yes.out;
  EXPECT_EQ(As(kViewer, {"get", "pods", "-n", "prod"}).exit_code, 1);
  EXPECT_EQ(As(kViewer, {"list", "nodes"}).exit_code, 1);
  EXPECT_EQ(As(kViewer, {"get", "secrets", "-n", "dev-a"}).exit_code, 1);
  // Under CONFIG_MAP the entries do not count at all.
  Outcome legacy = As(kViewer, {"get", "pods", "-n", "dev-a", "--authentication-mode", "CONFIG_MAP"});
  EXPECT_EQ(legacy.exit_code, 1);
  EXPECT_EQ(legacy.out, "no - identity is not mapped\n");
}

TEST_F(CanIAccessEntries, PoliciesAndRbacAreAUnion) {  // T19
  const std::string dev = "arn:aws:sts::111122223333:assumed-role/Dev/bob";
  EXPECT_EQ(As(dev, {"create", "deployments.apps", "-n", "x"}).exit_code, 0) << "Edit policy";
  EXPECT_EQ(As(dev, {"list", "foos.example.com", "-n", "x"}).exit_code, 0) << "RBAC for the entry's group";
  EXPECT_EQ(As(dev, {"create", "foos.example.com", "-n", "x"}).exit_code, 1) << "neither";
}

TEST_F(CanIAccessEntries, ListShowsOnlyRbacAndWarns) {  // T20
  Outcome list = As(kViewer, {"--list", "-n", "dev-a"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.err.find("warning: the list may be incomplete: webhook authorizer does not support user rule resolution"),
            std::string::npos)
      << list.err;
  EXPECT_NE(list.err.find("AmazonEKSViewPolicy (namespace scope: dev-*)"), std::string::npos) << list.err;
  EXPECT_EQ(list.out.find("pods "), std::string::npos) << "policy rules are not listed:\n" << list.out;
  EXPECT_EQ(As(kViewer, {"get", "pods", "-n", "dev-a"}).exit_code, 0) << "but can-i answers through them";
}

TEST_F(CanIAccessEntries, ImpersonationDropsThePolicies) {  // T21
  EXPECT_EQ(As(kAdmin, {"list", "nodes"}).exit_code, 0);
  Outcome as = As(kAdmin, {"list", "nodes", "--as", "someone", "--explain"});
  EXPECT_EQ(as.exit_code, 1) << as.out;
  EXPECT_NE(as.out.find("impersonating someone"), std::string::npos) << as.out;
  Outcome refused = As(kViewer, {"get", "pods", "-n", "dev-a", "--as", "someone"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.err, "Error from server (Forbidden): users \"someone\" is forbidden: User "
                         "\"arn:aws:iam::111122223333:user/viewer\" cannot impersonate resource \"users\" in API group "
                         "\"\" at the cluster scope\n");
}

TEST_F(CanIAccessEntries, EscalationCheckIgnoresPolicies) {  // T22
  const std::string ops = "arn:aws:sts::111122223333:assumed-role/NsAdmin/ops";
  EXPECT_EQ(As(ops, {"create", "rolebindings", "-n", "ns1"}).exit_code, 0) << "the Admin policy lists it";
  Outcome bind = As(ops, {"create", "rolebindings", "-n", "ns1", "--role-ref", "clusterrole/view", "--explain"});
  EXPECT_EQ(bind.exit_code, 1) << bind.out << bind.err;
  EXPECT_NE(bind.out.find("rolebindings.rbac.authorization.k8s.io is forbidden: user \"" + std::string(
                              "arn:aws:sts::111122223333:assumed-role/NsAdmin/ops") +
                              "\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:"),
            std::string::npos)
      << bind.out;
  Outcome masters = CanI_({"create", "clusterrolebindings", "--role-ref", "clusterrole/cluster-admin", "--as", "root",
                           "--as-group", "system:masters"});
  EXPECT_EQ(masters.exit_code, 0) << masters.err;
  EXPECT_EQ(CanI_({"get", "pods", "--role-ref", "clusterrole/view", "--as", "a"}).exit_code, 2);
  EXPECT_EQ(CanI_({"create", "rolebindings", "--role-ref", "group/x", "--as", "a"}).exit_code, 2);
}

TEST_F(CanIAccessEntries, WhoCanAndAccessMatrixSeeThePolicies) {
  Outcome who = testing::Run({KUBEIAM_BINARY, "who-can", "list", "nodes", "--rbac", dir_.path() + "/rbac",
                              "--access-entries", entries_, "-o", "json"},
                             {});
  ASSERT_EQ(who.exit_code, 0) << who.err;
  bool admin = false, viewer = false;
  boost::json::value who_rows = boost::json::parse(who.out);
  for (const auto& r : who_rows.as_array()) {
    if (r.at("kind").as_string() != "AccessEntry") continue;
    std::string arn(r.at("iamPrincipals").as_array()[0].as_string());
    admin |= arn == "arn:aws:iam::111122223333:role/Admin" &&
             r.at("via").as_string() == "access policy AmazonEKSClusterAdminPolicy (cluster scope)";
    viewer |= arn == kViewer;
  }
  EXPECT_TRUE(admin) << who.out;
  EXPECT_FALSE(viewer) << "a namespace scope never reaches nodes";
  Outcome pods = testing::Run({KUBEIAM_BINARY, "who-can", "get", "pods", "-n", "dev-x", "--access-entries", entries_}, {});
  EXPECT_NE(pods.out.find("access policy AmazonEKSViewPolicy (namespace scope: dev-*)"), std::string::npos) << pods.out;
  Outcome matrix = testing::Run({KUBEIAM_BINARY, "access-matrix", "--arn", kViewer, "--access-entries", entries_, "-n",
                                 "dev-a", "--verbs", "list,delete", "-o", "json"},
                                {});
  ASSERT_EQ(matrix.exit_code, 0) << matrix.err;
  boost::json::value matrix_rows = boost::json::parse(matrix.out);
  for (const auto& r : matrix_rows.as_array()) {
    if (r.at("resource").as_string() == "pods") {
      EXPECT_TRUE(r.at("verbs").at("list").as_bool());
      EXPECT_FALSE(r.at("verbs").at("delete").as_bool());
    }
  }
  dir_.Write("entries.json", R"([{"principalArn": "arn:aws:iam::111122223333:role/x", "kubernetesGroups": ["system:masters"]}])");
  Outcome refused = As(kViewer, {"get", "pods"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("entries.json: [0]: InvalidParameterException: The kubernetes group name system:masters is "
                             "invalid, it cannot start with system:"),
            std::string::npos)
      << refused.out << refused.err;
}

TEST_F(CanI, UsageErrors) {
  EXPECT_EQ(CanI_({"get", "pods"}).exit_code, 2);
  EXPECT_EQ(CanI_({"get"}).exit_code, 2);
  EXPECT_EQ(CanI_({"--list", "--subresource", "log", "--as", "a"}).exit_code, 2);        // KC12
  EXPECT_EQ(CanI_({"get", "/logs", "--subresource", "log", "--as", "a"}).exit_code, 2);
  Outcome unknown = CanI_({"get", "widgets", "--as", "a"});
  EXPECT_NE(unknown.err.find("the server doesn't have a resource type 'widgets'"), std::string::npos);
  EXPECT_EQ(CanI_({"get", "pods", "--as-group", "g"}).exit_code, 2);                        // KC10
  EXPECT_EQ(CanI_({"get", "pods", "--as", "a", "--arn", "arn:aws:iam::1:user/x"}).exit_code, 2) << "nothing maps the ARN";
  Outcome mode = CanI_({"get", "pods", "--arn", "arn:aws:iam::1:user/x", "--authentication-mode", "api"});
  EXPECT_EQ(mode.exit_code, 2);
}

}  // namespace
}  // namespace kubeiam
