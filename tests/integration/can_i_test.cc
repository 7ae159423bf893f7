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

TEST_F(CanI, UsageErrors) {
  EXPECT_EQ(CanI_({"get", "pods"}).exit_code, 2);
  EXPECT_EQ(CanI_({"get"}).exit_code, 2);
  EXPECT_EQ(CanI_({"--list", "--subresource", "log", "--as", "a"}).exit_code, 2);        // KC12
  EXPECT_EQ(CanI_({"get", "/logs", "--subresource", "log", "--as", "a"}).exit_code, 2);
  Outcome unknown = CanI_({"get", "widgets", "--as", "a"});
  EXPECT_NE(unknown.err.find("the server doesn't have a resource type 'widgets'"), std::string::npos);
  EXPECT_EQ(CanI_({"get", "pods", "--as", "a", "--arn", "arn:aws:iam::1:user/x"}).exit_code, 2);
}

}  // namespace
}  // namespace kubeiam
