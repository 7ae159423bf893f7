// The Kubernetes front keeping aws-auth, RBAC and namespaces in the store, with the real kubectl
// (its default --validate=strict, so the OpenAPI documents too): the lab's commands — get, create,
// edit (through a scripted KUBE_EDITOR), apply twice, create clusterrolebinding, describe, label,
// delete — and their effect on authentication (aws-auth) and authorization (RBAC) as soon as they
// are written; escalation refused; objects kept across a restart.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "http/client.h"
#include "integration/cli_runner.h"
#include "support/paths.h"
#include "support/temp_dir.h"

namespace kubeiam {
namespace {

using testing::Outcome;

class FrontObjects : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = testing::FreePort();
    sts_port_ = testing::FreePort();
    api_port_ = testing::FreePort();
    eks_port_ = testing::FreePort();
    std::ifstream in(std::string(KUBEIAM_TEST_DIR) + "/../examples/local/principals.yaml");
    dir_.Write("principals.yaml", std::string(std::istreambuf_iterator<char>(in), {}));
    // viewer administers the cluster through the config; testuser only through what kubectl writes.
    dir_.Write("config.yaml", "clusterID: demo\nserver:\n  port: " + std::to_string(port_) +
                                  "\n  stateDir: ./state\n  backendMode: [MountedFile, EKSConfigMap]\n"
                                  "  mapUsers:\n  - userarn: arn:aws:iam::111122223333:user/viewer\n    username: admin\n"
                                  "    groups: [system:masters]\nkubeAPI:\n  port: " + std::to_string(api_port_) +
                                  "\neksAPI:\n  port: " + std::to_string(eks_port_) + "\n  accountID: \"111122223333\"\n"
                                  "sts:\n  local:\n    principals: ./principals.yaml\n    port: " + std::to_string(sts_port_) + "\n");
    server_ = testing::StartServe(dir_.path(), port_);
    admin_ = Kubeconfig("AKIAEXAMPLEVIEWER001", "kubeiamViewerSecretKeyDoNotUseAnywhere00");
    testuser_ = Kubeconfig("AKIAEXAMPLETESTUSER1", "kubeiamExampleSecretKeyDoNotUseAnywhere0");
  }

  std::string Kubeconfig(const std::string& key, const std::string& secret) {
    return dir_.Write("kubeconfig-" + key, testing::ExecKubeconfig(api_port_, sts_port_, dir_.path() + "/state/ca.crt", key, secret));
  }

  Outcome Kubectl(const std::string& kubeconfig, std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), {"kubectl", "--kubeconfig", kubeconfig});
    env.insert({{"HOME", dir_.path()}, {"AWS_EC2_METADATA_DISABLED", "true"}, {"AWS_CONFIG_FILE", "/dev/null"},
                {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}, {"NO_PROXY", "127.0.0.1"}});
    return testing::Run(args, env);
  }

  // Polls (up to 3 s) until testuser's `kubectl auth can-i` answers `expected`.
  void WaitForCanI(const std::vector<std::string>& question, const std::string& expected) {
    std::vector<std::string> args = {"auth", "can-i"};
    args.insert(args.end(), question.begin(), question.end());
    std::string last;
    for (int i = 0; i < 30; ++i) {
      last = Kubectl(testuser_, args).out;
      if (last == expected + "\n") return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL() << "can-i never answered " << expected << " (last: " << last << ")";
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::Process> server_;
  int port_ = 0, sts_port_ = 0, api_port_ = 0, eks_port_ = 0;
  std::string admin_, testuser_;
};

// kube-system/aws-auth mapping testuser into `group`.
std::string AwsAuthFor(const std::string& group) {
  return R"(apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapUsers: |
    - userarn: arn:aws:iam::111122223333:user/testuser
      username: testuser
      groups: [)" + group + R"(]
)";
}

constexpr char kRole[] = R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cm-viewer-role}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get]}
- {apiGroups: [""], resources: [namespaces], verbs: [list]}
)";

TEST_F(FrontObjects, TheLabsCommandsWorkAndTakeEffect) {
  EXPECT_NE(Kubectl(testuser_, {"get", "ns"}).err.find("You must be logged in to the server"), std::string::npos);
  Outcome none = Kubectl(admin_, {"get", "cm", "-n", "kube-system", "aws-auth"});
  EXPECT_NE(none.err.find("Error from server (NotFound): configmaps \"aws-auth\" not found"), std::string::npos) << none.err;
  Outcome ns = Kubectl(admin_, {"get", "ns"});
  for (const char* name : {"default", "kube-node-lease", "kube-public", "kube-system"}) {
    EXPECT_NE(ns.out.find(std::string("\n") + name + " "), std::string::npos) << ns.out << ns.err;
  }
  EXPECT_NE(ns.out.find("Active"), std::string::npos);

  // aws-auth written through the API maps testuser at once.
  Outcome created = Kubectl(admin_, {"create", "-f", dir_.Write("aws-auth.yaml", AwsAuthFor("system:masters"))});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  WaitForCanI({"delete", "nodes"}, "yes");
  // kubectl edit: system:masters becomes cm-viewer.
  std::string editor = dir_.Write("editor.sh", "#!/bin/sh\nsed -i 's/system:masters/cm-viewer/' \"$1\"\n", 0755);
  Outcome edited = Kubectl(admin_, {"edit", "cm", "-n", "kube-system", "aws-auth"}, {{"KUBE_EDITOR", editor}});
  ASSERT_EQ(edited.exit_code, 0) << edited.err;
  EXPECT_EQ(edited.out, "configmap/aws-auth edited\n");
  WaitForCanI({"delete", "nodes"}, "no");

  // A role applied, then applied again without one of its rules; bound to the group.
  std::string role = dir_.Write("role.yaml", kRole);
  EXPECT_EQ(Kubectl(admin_, {"apply", "-f", role}).out, "clusterrole.rbac.authorization.k8s.io/cm-viewer-role created\n");
  Outcome bound = Kubectl(admin_, {"create", "clusterrolebinding", "cm-viewer-binding", "--clusterrole=cm-viewer-role", "--group=cm-viewer"});
  ASSERT_EQ(bound.exit_code, 0) << bound.err;
  WaitForCanI({"list", "namespaces"}, "yes");
  dir_.Write("role.yaml", std::string(kRole).substr(0, std::string(kRole).rfind("- {apiGroups: [\"\"], resources: [namespaces]")));
  EXPECT_EQ(Kubectl(admin_, {"apply", "-f", role}).out, "clusterrole.rbac.authorization.k8s.io/cm-viewer-role configured\n");
  WaitForCanI({"list", "namespaces"}, "no");
  EXPECT_EQ(Kubectl(testuser_, {"auth", "can-i", "get", "configmaps"}).out, "yes\n");

  // The default policy is there to read; label and delete as on a cluster.
  Outcome describe = Kubectl(admin_, {"describe", "clusterrolebinding", "cluster-admin"});
  EXPECT_NE(describe.out.find("Group  system:masters"), std::string::npos) << describe.out << describe.err;
  Outcome roles = Kubectl(admin_, {"get", "clusterroles", "-o", "name"});
  for (const char* r : {"clusterrole.rbac.authorization.k8s.io/admin\n", "clusterrole.rbac.authorization.k8s.io/view\n"}) {
    EXPECT_NE(roles.out.find(r), std::string::npos) << roles.out;
  }
  EXPECT_EQ(Kubectl(admin_, {"label", "clusterrole", "cm-viewer-role", "team=a"}).exit_code, 0);
  EXPECT_EQ(Kubectl(admin_, {"get", "clusterroles", "-l", "team=a", "-o", "name"}).out, "clusterrole.rbac.authorization.k8s.io/cm-viewer-role\n");
  EXPECT_EQ(Kubectl(admin_, {"delete", "clusterrolebinding", "cm-viewer-binding"}).exit_code, 0);
  WaitForCanI({"get", "configmaps"}, "no");
}

TEST_F(FrontObjects, RefusalsInTheApiServersWords) {
  Outcome strict = Kubectl(admin_, {"create", "-f", dir_.Write("bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\nspec: {}\n")});
  EXPECT_NE(strict.err.find("Error from server (BadRequest): error when creating \"" + dir_.path() +
                            "/bad.yaml\": ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: "
                            "unknown field \"spec\""),
            std::string::npos) << strict.err;
  Outcome invalid = Kubectl(admin_, {"create", "configmap", "Bad_Name"});
  EXPECT_NE(invalid.err.find("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain"),
            std::string::npos) << invalid.err;
  Outcome protected_ns = Kubectl(admin_, {"delete", "ns", "default"});
  EXPECT_NE(protected_ns.err.find("namespaces \"default\" is forbidden: this namespace may not be deleted"), std::string::npos) << protected_ns.err;
  // testuser may create roles in its namespace, but only grant what it holds.
  ASSERT_EQ(Kubectl(admin_, {"create", "-f", dir_.Write("aws-auth.yaml", AwsAuthFor("system:masters"))}).exit_code, 0);
  Outcome grant = Kubectl(admin_, {"create", "-f", dir_.Write("editor.yaml", R"(apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: role-editor, namespace: default}
rules: [{apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: role-editor, namespace: default}
subjects: [{kind: User, name: testuser}]
roleRef: {kind: Role, name: role-editor}
)")});
  ASSERT_EQ(grant.exit_code, 0) << grant.err;
  std::string editor = dir_.Write("editor.sh", "#!/bin/sh\nsed -i 's/system:masters/nobody/' \"$1\"\n", 0755);
  ASSERT_EQ(Kubectl(admin_, {"edit", "cm", "-n", "kube-system", "aws-auth"}, {{"KUBE_EDITOR", editor}}).exit_code, 0);
  WaitForCanI({"create", "roles"}, "yes");
  Outcome escalate = Kubectl(testuser_, {"create", "role", "cms", "--verb=get", "--resource=configmaps"});
  EXPECT_NE(escalate.err.find("roles.rbac.authorization.k8s.io \"cms\" is forbidden: user \"testuser\" (groups=[\"nobody\" "
                              "\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:"),
            std::string::npos) << escalate.err;
}

TEST_F(FrontObjects, ObjectsSurviveARestart) {
  ASSERT_EQ(Kubectl(admin_, {"create", "ns", "team-a"}).exit_code, 0);
  ASSERT_EQ(Kubectl(admin_, {"create", "configmap", "app", "-n", "team-a", "--from-literal=a=1"}).exit_code, 0);
  server_.reset();
  server_ = testing::StartServe(dir_.path(), port_);
  Outcome cm = Kubectl(admin_, {"get", "cm", "app", "-n", "team-a", "-o", "jsonpath={.data.a}"});
  EXPECT_EQ(cm.out, "1") << cm.err;
  // Deleting the namespace deletes what it holds.
  ASSERT_EQ(Kubectl(admin_, {"delete", "ns", "team-a"}).exit_code, 0);
  EXPECT_NE(Kubectl(admin_, {"get", "cm", "app", "-n", "team-a"}).err.find("not found"), std::string::npos);
}

// `aws eks update-kubeconfig` finds the front and its CA in DescribeCluster, and kubectl reaches
// the front through what it wrote.
TEST_F(FrontObjects, UpdateKubeconfigPointsAtTheFront) {
  std::string written = dir_.path() + "/written-kubeconfig";
  std::map<std::string, std::string> env = {
      {"HOME", dir_.path()}, {"PATH", "/usr/bin:/bin:" + std::string(getenv("PATH") ? getenv("PATH") : "")},
      {"AWS_EC2_METADATA_DISABLED", "true"}, {"AWS_CONFIG_FILE", "/dev/null"}, {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"},
      {"AWS_ACCESS_KEY_ID", "AKIAEXAMPLEVIEWER001"}, {"AWS_SECRET_ACCESS_KEY", "kubeiamViewerSecretKeyDoNotUseAnywhere00"},
      {"AWS_CA_BUNDLE", dir_.path() + "/state/ca.crt"}, {"AWS_DEFAULT_REGION", "us-east-1"}, {"NO_PROXY", "127.0.0.1"}};
  Outcome updated = testing::Run({"aws", "eks", "update-kubeconfig", "--name", "demo", "--endpoint-url",
                                  "https://127.0.0.1:" + std::to_string(eks_port_), "--kubeconfig", written, "--user-alias", "testuser"},
                                 env);
  ASSERT_EQ(updated.exit_code, 0) << updated.err;
  std::ifstream in(written);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(text.find("server: https://127.0.0.1:" + std::to_string(api_port_)), std::string::npos) << text;
  EXPECT_NE(text.find("certificate-authority-data: "), std::string::npos) << text;
  // The CA it wrote verifies the front: kubectl with that cluster entry and a kubeiam token.
  Outcome token = testing::Run({KUBEIAM_BINARY, "token", "-i", "demo", "--sts-endpoint", "https://127.0.0.1:" + std::to_string(sts_port_),
                                "--token-only"}, env);
  ASSERT_EQ(token.exit_code, 0) << token.err;
  Outcome ns = Kubectl(written, {"--token", token.out.substr(0, token.out.find('\n')), "--user", "", "get", "ns", "default", "-o", "name"});
  EXPECT_EQ(ns.out, "namespace/default\n") << ns.err;
}

// kubeiam update-kubeconfig merges into a kubeconfig that holds other clusters (kept), makes its
// context current, writes 0600, says what it did as awscli says it, and --dry-run changes
// nothing; kubectl then reaches the front through `kubeiam token`.
TEST_F(FrontObjects, KubeiamUpdateKubeconfigMerges) {
  std::string file = dir_.Write("merged-kubeconfig", R"(apiVersion: v1
kind: Config
clusters:
- name: other
  cluster: {server: "https://10.9.9.9:6443"}
contexts:
- name: other
  context: {cluster: other, user: other}
current-context: other
users:
- name: other
  user: {token: abc}
)");
  std::string bin = std::filesystem::path(KUBEIAM_BINARY).parent_path().string();
  std::map<std::string, std::string> env = {
      {"HOME", dir_.path()}, {"PATH", bin + ":/usr/bin:/bin"}, {"AWS_EC2_METADATA_DISABLED", "true"},
      {"AWS_CONFIG_FILE", "/dev/null"}, {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"},
      {"AWS_ACCESS_KEY_ID", "AKIAEXAMPLEVIEWER001"}, {"AWS_SECRET_ACCESS_KEY", "kubeiamViewerSecretKeyDoNotUseAnywhere00"},
      {"AWS_CA_BUNDLE", dir_.path() + "/state/ca.crt"}, {"AWS_DEFAULT_REGION", "us-east-1"},
      {"AWS_ENDPOINT_URL_STS", "https://127.0.0.1:" + std::to_string(sts_port_)},
      {"AWS_ENDPOINT_URL_EKS", "https://127.0.0.1:" + std::to_string(eks_port_)}};
  std::vector<std::string> args = {KUBEIAM_BINARY, "update-kubeconfig", "--name", "demo", "--kubeconfig", file, "--alias", "lab"};
  Outcome dry = testing::Run({KUBEIAM_BINARY, "update-kubeconfig", "--name", "demo", "--kubeconfig", file, "--dry-run"}, env);
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("current-context: arn:aws:eks:us-east-1:111122223333:cluster/demo"), std::string::npos) << dry.out;
  Outcome added = testing::Run(args, env);
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(added.out, "Added new context lab to " + file + "\n");
  EXPECT_EQ(testing::Run(args, env).out, "Updated context lab in " + file + "\n");
  EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(text.find("https://10.9.9.9:6443"), std::string::npos) << text;
  EXPECT_NE(text.find("current-context: lab"), std::string::npos) << text;
  EXPECT_NE(text.find("command: kubeiam"), std::string::npos) << text;
  Outcome ns = testing::Run({"kubectl", "--kubeconfig", file, "get", "ns", "default", "-o", "name"}, env);
  EXPECT_EQ(ns.out, "namespace/default\n") << ns.err;
  // A cluster the EKS API does not know: awscli's message.
  Outcome missing = testing::Run({KUBEIAM_BINARY, "update-kubeconfig", "--name", "nope", "--kubeconfig", file}, env);
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("An error occurred (ResourceNotFoundException) when calling the DescribeCluster operation"),
            std::string::npos) << missing.err;
}

// `kubeiam mapping` through the API, as eksctl: several writers at once each get, change and
// update with the resourceVersion they read; a conflict makes them read again, so none is lost.
TEST_F(FrontObjects, MappingThroughTheApiLosesNoConcurrentWrite) {
  std::map<std::string, std::string> env = {{"HOME", dir_.path()}, {"AWS_EC2_METADATA_DISABLED", "true"},
                                            {"AWS_CONFIG_FILE", "/dev/null"}, {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"},
                                            {"PATH", "/usr/bin:/bin"}};
  std::vector<std::thread> writers;
  std::vector<Outcome> outcomes(6);
  for (int i = 0; i < 6; ++i) {
    writers.emplace_back([&, i] {
      outcomes[i] = testing::Run({KUBEIAM_BINARY, "mapping", "create", "--kubeconfig", admin_, "--arn",
                                  "arn:aws:iam::111122223333:user/u" + std::to_string(i), "--group", "team"}, env);
    });
  }
  for (auto& t : writers) t.join();
  for (const auto& o : outcomes) EXPECT_EQ(o.exit_code, 0) << o.err;
  Outcome listed = testing::Run({KUBEIAM_BINARY, "mapping", "get", "--kubeconfig", admin_, "-o", "json"}, env);
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  for (int i = 0; i < 6; ++i) {
    EXPECT_NE(listed.out.find("user/u" + std::to_string(i) + "\""), std::string::npos) << listed.out;
  }
  // A malformed ARN is refused, and nothing is written.
  Outcome bad = testing::Run({KUBEIAM_BINARY, "mapping", "create", "--kubeconfig", admin_, "--arn", "not-an-arn",
                              "--group", "team"}, env);
  EXPECT_NE(bad.exit_code, 0);
  // Someone without rights: kubectl's words.
  Outcome denied = testing::Run({KUBEIAM_BINARY, "mapping", "get", "--kubeconfig", testuser_}, env);
  EXPECT_NE(denied.err.find("You must be logged in to the server (Unauthorized)"), std::string::npos) << denied.err;
}

// kubectl get -w on a stored kind: the list, then what others write, as it happens.
TEST_F(FrontObjects, KubectlGetWatchSeesWrites) {
  Outcome watched;
  std::thread watcher([&] {
    watched = Kubectl(admin_, {"get", "configmaps", "-n", "default", "-w", "-o", "name", "--request-timeout=4s"});
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // kubectl started and listed
  Outcome created = Kubectl(admin_, {"create", "configmap", "watched", "--from-literal=a=b"});
  watcher.join();
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_NE(watched.out.find("configmap/watched"), std::string::npos) << watched.out << watched.err;
}

// The analysis commands on a live cluster (here kubeiam's own front, reached as any API server
// is): its RBAC and aws-auth read through --kubeconfig, so `kubeiam can-i --arn` answers what
// the cluster would, and `who-can` names who the cluster's bindings name.
TEST_F(FrontObjects, AnalysisReadsALiveCluster) {
  {
    // An identity the cluster refuses (testuser is not mapped yet): what it said, and what kubeiam needed.
    std::map<std::string, std::string> bare = {{"HOME", dir_.path()}, {"AWS_EC2_METADATA_DISABLED", "true"},
                                                {"AWS_CONFIG_FILE", "/dev/null"}, {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"},
                                                {"AWS_ENDPOINT_URL_EKS", "https://127.0.0.1:" + std::to_string(eks_port_)}};
    Outcome refused = testing::Run({KUBEIAM_BINARY, "can-i", "list", "pods", "--kubeconfig", testuser_, "--as", "x"}, bare);
    EXPECT_NE(refused.exit_code, 0);
    EXPECT_NE(refused.err.find("cannot list clusterroles: kubeiam needs get, list and watch on the RBAC kinds"), std::string::npos)
        << refused.err;
  }
  ASSERT_EQ(Kubectl(admin_, {"create", "-f", dir_.Write("aws-auth.yaml", AwsAuthFor("cm-readers"))}).exit_code, 0);
  ASSERT_EQ(Kubectl(admin_, {"create", "clusterrole", "cm-reader", "--verb=get,list", "--resource=configmaps"}).exit_code, 0);
  ASSERT_EQ(Kubectl(admin_, {"create", "clusterrolebinding", "cm-readers", "--clusterrole=cm-reader", "--group=cm-readers"}).exit_code, 0);
  // The kubeconfig's plugin is `kubeiam token -i demo`: the EKS cluster "demo", whose access
  // entries are read from the EKS API (kubeiam's own here), as the cluster's administrator.
  std::map<std::string, std::string> env = {
      {"HOME", dir_.path()}, {"AWS_EC2_METADATA_DISABLED", "true"}, {"AWS_CONFIG_FILE", "/dev/null"},
      {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}, {"AWS_CA_BUNDLE", dir_.path() + "/state/ca.crt"},
      {"AWS_ENDPOINT_URL_EKS", "https://127.0.0.1:" + std::to_string(eks_port_)}, {"AWS_DEFAULT_REGION", "us-east-1"},
      {"AWS_ACCESS_KEY_ID", "AKIAEXAMPLEVIEWER001"}, {"AWS_SECRET_ACCESS_KEY", "kubeiamViewerSecretKeyDoNotUseAnywhere00"},
      {"PATH", "/usr/bin:/bin:" + std::string(getenv("PATH") ? getenv("PATH") : "")}};
  const std::string testuser = "arn:aws:iam::111122223333:user/testuser";
  auto can_i = [&](const std::string& verb, const std::string& resource) {
    return testing::Run({KUBEIAM_BINARY, "can-i", verb, resource, "--kubeconfig", admin_, "--arn", testuser}, env);
  };
  Outcome yes = can_i("list", "configmaps");
  EXPECT_EQ(yes.out, "yes\n") << yes.err;
  EXPECT_EQ(can_i("delete", "configmaps").out, "no\n");
  // The cluster's default policy came with it: system:masters may do anything.
  Outcome masters = testing::Run({KUBEIAM_BINARY, "can-i", "delete", "nodes", "--kubeconfig", admin_, "--as", "x",
                                  "--as-group", "system:masters"}, env);
  EXPECT_EQ(masters.out, "yes\n") << masters.err;
  Outcome who = testing::Run({KUBEIAM_BINARY, "who-can", "list", "configmaps", "--kubeconfig", admin_}, env);
  EXPECT_EQ(who.exit_code, 0) << who.err;
  EXPECT_NE(who.out.find("cm-readers"), std::string::npos) << who.out;
  {
    // Without the CA the front's certificate is checked against the system's store and refused;
    // --insecure-skip-tls-verify (as kubectl's) skips the check, and only it lets a kubeconfig's
    // insecure-skip-tls-verify through.
    std::ifstream in(admin_);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    const std::string ca_line = "    certificate-authority: " + dir_.path() + "/state/ca.crt\n";
    ASSERT_NE(text.find(ca_line), std::string::npos) << text;
    std::string no_ca = text, insecure = text;
    no_ca.replace(no_ca.find(ca_line), ca_line.size(), "");
    insecure.replace(insecure.find(ca_line), ca_line.size(), "    insecure-skip-tls-verify: true\n");
    auto who_can = [&](const std::string& kubeconfig, bool skip) {
      std::vector<std::string> args = {KUBEIAM_BINARY, "who-can", "list", "configmaps", "--kubeconfig", kubeconfig};
      if (skip) args.push_back("--insecure-skip-tls-verify");
      return testing::Run(args, env);
    };
    Outcome unverified = who_can(dir_.Write("kubeconfig-no-ca", no_ca), false);
    EXPECT_NE(unverified.exit_code, 0);
    EXPECT_NE(unverified.err.find("certificate verify failed"), std::string::npos) << unverified.err;
    Outcome skipped = who_can(dir_.path() + "/kubeconfig-no-ca", true);
    EXPECT_EQ(skipped.out, who.out) << skipped.err;
    Outcome refused = who_can(dir_.Write("kubeconfig-insecure", insecure), false);
    EXPECT_EQ(refused.err, "kubeiam: cluster \"demo\": insecure-skip-tls-verify is refused: give the cluster's "
                           "certificate-authority, or accept it with --insecure-skip-tls-verify\n");
    EXPECT_EQ(who_can(dir_.path() + "/kubeconfig-insecure", true).out, who.out);
  }
  // lint reads the cluster's aws-auth: here nobody administers through it (viewer does through
  // the server's config, which the cluster's API does not show).
  Outcome linted = testing::Run({KUBEIAM_BINARY, "lint", "--kubeconfig", admin_}, env);
  EXPECT_EQ(linted.exit_code, 1) << linted.out << linted.err;
  EXPECT_NE(linted.out.find("kube-system/aws-auth: error: no mapping grants system:masters"), std::string::npos) << linted.out;
  Outcome nothing = testing::Run({KUBEIAM_BINARY, "lint"}, env);
  EXPECT_EQ(nothing.err, "kubeiam: give an aws-auth manifest, or --kubeconfig/--context to lint the cluster's\n");
  // An access entry with AmazonEKSClusterAdminPolicy, read from EKS: it comes before aws-auth.
  for (std::vector<std::string> call : {std::vector<std::string>{"create-access-entry", "--principal-arn", testuser},
                                        std::vector<std::string>{"associate-access-policy", "--principal-arn", testuser,
                                                                 "--policy-arn",
                                                                 "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                                                                 "--access-scope", "type=cluster"}}) {
    call.insert(call.begin(), {"aws", "eks"});
    call.insert(call.end(), {"--cluster-name", "demo"});
    Outcome o = testing::Run(call, env);
    ASSERT_EQ(o.exit_code, 0) << o.err;
  }
  Outcome by_policy = testing::Run({KUBEIAM_BINARY, "can-i", "delete", "configmaps", "--kubeconfig", admin_, "--arn",
                                    testuser, "--explain"}, env);
  EXPECT_EQ(by_policy.exit_code, 0) << by_policy.out << by_policy.err;
  EXPECT_NE(by_policy.out.find("AmazonEKSClusterAdminPolicy"), std::string::npos) << by_policy.out;
  Outcome named = testing::Run({KUBEIAM_BINARY, "can-i", "delete", "configmaps", "--cluster-name", "nope", "--arn", testuser},
                               env);
  EXPECT_NE(named.err.find("EKS cluster nope: An error occurred (ResourceNotFoundException) when calling the "
                           "DescribeCluster operation"),
            std::string::npos) << named.err;
}

// With no source named, the current kubeconfig context (~/.kube/config, or KUBECONFIG), as
// rbac-tool does; a source named on the command line wins.
TEST_F(FrontObjects, AnalysisDefaultsToTheCurrentContext) {
  ASSERT_EQ(Kubectl(admin_, {"create", "clusterrole", "cm-reader", "--verb=get,list", "--resource=configmaps"}).exit_code, 0);
  ASSERT_EQ(Kubectl(admin_, {"create", "clusterrolebinding", "cm-readers", "--clusterrole=cm-reader", "--group=cm-readers"}).exit_code, 0);
  std::filesystem::create_directories(dir_.path() + "/.kube");
  std::filesystem::copy_file(admin_, dir_.path() + "/.kube/config");
  std::map<std::string, std::string> env = {
      {"HOME", dir_.path()}, {"AWS_EC2_METADATA_DISABLED", "true"}, {"AWS_CONFIG_FILE", "/dev/null"},
      {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}, {"AWS_CA_BUNDLE", dir_.path() + "/state/ca.crt"},
      {"AWS_ENDPOINT_URL_EKS", "https://127.0.0.1:" + std::to_string(eks_port_)}, {"AWS_DEFAULT_REGION", "us-east-1"},
      {"AWS_ACCESS_KEY_ID", "AKIAEXAMPLEVIEWER001"}, {"AWS_SECRET_ACCESS_KEY", "kubeiamViewerSecretKeyDoNotUseAnywhere00"}};
  Outcome who = testing::Run({KUBEIAM_BINARY, "who-can", "list", "configmaps"}, env);
  EXPECT_EQ(who.exit_code, 0) << who.err;
  EXPECT_NE(who.out.find("cm-readers"), std::string::npos) << who.out;
  Outcome files = testing::Run({KUBEIAM_BINARY, "who-can", "list", "configmaps", "--rbac", dir_.Write("none.yaml", "")}, env);
  EXPECT_EQ(files.out.find("cm-readers"), std::string::npos) << files.out;
  env.erase("HOME");
  env["KUBECONFIG"] = "/nonexistent:" + admin_;
  Outcome listed = testing::Run({KUBEIAM_BINARY, "can-i", "list", "configmaps", "--as", "x", "--as-group", "cm-readers"}, env);
  EXPECT_EQ(listed.out, "yes\n") << listed.err;
}

// Polls `probe` (up to `seconds`) until it gives `want`; returns what it gave last.
template <typename Probe, typename Want>
auto Eventually(Probe probe, const Want& want, int seconds = 5) {
  auto last = probe();
  for (int i = 0; i < seconds * 10 && !(last == want); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    last = probe();
  }
  return last;
}

// explain --server: a running server's view, for administrators only (viewer administers through
// the config's mapping to system:masters; testuser does not).
TEST_F(FrontObjects, ExplainOnTheServerForAdministratorsOnly) {
  auto explain = [&](const std::string& key, const std::string& secret, std::vector<std::string> args) {
    args.insert(args.begin(), {KUBEIAM_BINARY, "explain", "--server", "https://127.0.0.1:" + std::to_string(port_), "--server-ca",
                               dir_.path() + "/state/ca.crt", "-i", "demo", "--sts-endpoint",
                               "https://127.0.0.1:" + std::to_string(sts_port_)});
    return testing::Run(args, {{"HOME", dir_.path()}, {"AWS_EC2_METADATA_DISABLED", "true"}, {"AWS_CONFIG_FILE", "/dev/null"},
                               {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}, {"AWS_ACCESS_KEY_ID", key},
                               {"AWS_SECRET_ACCESS_KEY", secret}, {"AWS_DEFAULT_REGION", "us-east-1"}});
  };
  const std::string viewer_key = "AKIAEXAMPLEVIEWER001", viewer_secret = "kubeiamViewerSecretKeyDoNotUseAnywhere00";
  const std::string user_key = "AKIAEXAMPLETESTUSER1", user_secret = "kubeiamExampleSecretKeyDoNotUseAnywhere0";
  Outcome unmapped = explain(viewer_key, viewer_secret, {"--arn", "arn:aws:iam::111122223333:user/testuser", "get", "configmaps"});
  EXPECT_EQ(unmapped.exit_code, 1) << unmapped.err;
  EXPECT_NE(unmapped.out.find("Verdict: not authenticated: the API server answers 401 Unauthorized\n"), std::string::npos) << unmapped.out;

  ASSERT_EQ(Kubectl(admin_, {"create", "-f", dir_.Write("aws-auth.yaml", AwsAuthFor("cm-readers"))}).exit_code, 0);
  // The server's snapshot follows the store a moment after the write.
  Outcome mapped;
  Eventually([&] {
    mapped = explain(viewer_key, viewer_secret, {"--arn", "arn:aws:iam::111122223333:user/testuser", "get", "configmaps"});
    return mapped.out.find("MATCH user") != std::string::npos;
  }, true);
  EXPECT_NE(mapped.out.find("    MATCH user arn:aws:iam::111122223333:user/testuser: same ARN\n"), std::string::npos) << mapped.out;
  EXPECT_NE(mapped.out.find("Verdict: authenticated as testuser; forbidden: the API server answers 403 Forbidden\n"),
            std::string::npos) << mapped.out;
  // The administrator's own token, verified by the server.
  Outcome own = explain(viewer_key, viewer_secret, {"-o", "json"});
  EXPECT_EQ(own.exit_code, 0) << own.err;
  EXPECT_NE(own.out.find(R"("verified":true)"), std::string::npos) << own.out;
  EXPECT_NE(own.out.find(R"("verdict":"authenticated as admin")"), std::string::npos) << own.out;
  // testuser is mapped, but no administrator.
  Outcome refused = explain(user_key, user_secret, {"--arn", "arn:aws:iam::111122223333:user/viewer"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.err, "kubeiam: https://127.0.0.1:" + std::to_string(port_) +
                             " answered 403: forbidden: User \"testuser\" cannot post path \"/explain\"\n");
}

// `kubeiam serve` as a second server watching the front as its cluster (server.kubeconfig for
// EKSConfigMap, authorization.rbac {kubeconfig}): what is written there maps and authorizes here
// at once; with the cluster gone the last state keeps serving and /metrics says so; once the
// cluster is back the watch catches up without a restart.
class WatchingServer {
 public:
  WatchingServer(testing::TempDir& dir, const std::string& kubeconfig) : dir_(dir) {
    port_ = testing::FreePort();
    sts_port_ = testing::FreePort();
    std::filesystem::create_directories(dir.path() + "/b");
    dir.Write("b/config.yaml", "clusterID: demo\nserver:\n  port: " + std::to_string(port_) +
                                   "\n  stateDir: ./state\n  backendMode: [EKSConfigMap]\n  kubeconfig: " + kubeconfig +
                                   "\nauthorization:\n  rbac: {kubeconfig: " + kubeconfig + "}\n  webhook: full\n"
                                   "sts:\n  local:\n    principals: ../principals.yaml\n    port: " + std::to_string(sts_port_) + "\n");
    process_ = testing::StartServe(dir.path() + "/b", port_);
  }

  boost::json::object Post(const std::string& path, const std::string& body) const {
    auto r = http::Fetch({.method = "POST", .url = Url(path), .headers = {{"Content-Type", "application/json"}}, .body = body,
                          .ca_file = dir_.path() + "/b/state/ca.crt"});
    if (!r || r->status != 200) return {};
    return boost::json::parse(r->body).as_object();
  }

  // testuser's groups as this server maps them ("" when it does not authenticate them).
  std::string Groups() const {
    auto token = testing::Run({KUBEIAM_BINARY, "token", "-i", "demo", "--token-only", "--sts-endpoint",
                               "https://127.0.0.1:" + std::to_string(sts_port_)},
                              {{"AWS_ACCESS_KEY_ID", "AKIAEXAMPLETESTUSER1"}, {"AWS_EC2_METADATA_DISABLED", "true"},
                               {"AWS_SECRET_ACCESS_KEY", "kubeiamExampleSecretKeyDoNotUseAnywhere0"}});
    auto review = Post("/authenticate", R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":")" +
                                            token.out.substr(0, token.out.find('\n')) + R"("}})");
    const auto* status = review.if_contains("status");
    const auto* user = status ? status->as_object().if_contains("user") : nullptr;
    const auto* groups = user ? user->as_object().if_contains("groups") : nullptr;
    return groups ? boost::json::serialize(*groups) : "";
  }

  bool Allowed(const std::string& verb, const std::string& group) const {
    auto review = Post("/authorize", R"({"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{)"
                                     R"("user":"testuser","groups":[")" + group + R"("],"resourceAttributes":{"verb":")" + verb +
                                         R"(","resource":"configmaps","namespace":"default"}}})");
    const auto* status = review.if_contains("status");
    const auto* allowed = status ? status->as_object().if_contains("allowed") : nullptr;
    return allowed && allowed->as_bool();
  }

  std::string Metrics() const {
    auto r = http::Fetch({.url = Url("/metrics"), .ca_file = dir_.path() + "/b/state/ca.crt"});
    return r ? r->body : "";
  }

 private:
  std::string Url(const std::string& path) const { return "https://127.0.0.1:" + std::to_string(port_) + path; }
  testing::TempDir& dir_;
  int port_ = 0, sts_port_ = 0;
  std::unique_ptr<testing::Process> process_;
};

TEST_F(FrontObjects, ServeWatchesTheClustersAwsAuthAndRbac) {
  ASSERT_EQ(Kubectl(admin_, {"create", "-f", dir_.Write("aws-auth.yaml", AwsAuthFor("cm-readers"))}).exit_code, 0);
  ASSERT_EQ(Kubectl(admin_, {"create", "clusterrole", "cm-reader", "--verb=get,list", "--resource=configmaps"}).exit_code, 0);
  ASSERT_EQ(Kubectl(admin_, {"create", "clusterrolebinding", "cm-readers", "--clusterrole=cm-reader", "--group=cm-readers"}).exit_code, 0);
  WatchingServer b(dir_, admin_);
  EXPECT_EQ(b.Groups(), R"(["cm-readers"])");
  EXPECT_TRUE(b.Allowed("get", "cm-readers"));
  EXPECT_FALSE(b.Allowed("delete", "cm-readers"));

  // Written on the cluster, in effect here.
  std::string editor = dir_.Write("editor.sh", "#!/bin/sh\nsed -i 's/cm-readers/cm-writers/' \"$1\"\n", 0755);
  ASSERT_EQ(Kubectl(admin_, {"edit", "cm", "-n", "kube-system", "aws-auth"}, {{"KUBE_EDITOR", editor}}).exit_code, 0);
  EXPECT_EQ(Eventually([&] { return b.Groups(); }, std::string(R"(["cm-writers"])")), R"(["cm-writers"])");
  ASSERT_EQ(Kubectl(admin_, {"delete", "clusterrolebinding", "cm-readers"}).exit_code, 0);
  EXPECT_FALSE(Eventually([&] { return b.Allowed("get", "cm-readers"); }, false));

  // The cluster gone: the last state serves, and /metrics says since when.
  server_->Stop();
  auto lost = [&] { return b.Metrics().find("kubeiam_cluster_watch_up{resource=\"configmaps\"} 0") != std::string::npos; };
  EXPECT_TRUE(Eventually(lost, true));
  EXPECT_EQ(b.Groups(), R"(["cm-writers"])");
  EXPECT_NE(b.Metrics().find("kubeiam_cluster_watch_stale_seconds{resource=\"clusterrolebindings\"}"), std::string::npos);

  // Back: the watch carries on, and new writes arrive.
  server_ = testing::StartServe(dir_.path(), port_);
  ASSERT_EQ(Kubectl(admin_, {"create", "clusterrolebinding", "cm-writers", "--clusterrole=cm-reader", "--group=cm-writers"}).exit_code, 0);
  EXPECT_TRUE(Eventually([&] { return b.Allowed("list", "cm-writers"); }, true, 15));
  std::string metrics = b.Metrics();
  EXPECT_NE(metrics.find("kubeiam_cluster_watch_up{resource=\"clusterrolebindings\"} 1"), std::string::npos) << metrics;
  EXPECT_EQ(metrics.find("kubeiam_cluster_watch_reconnects_total{resource=\"clusterrolebindings\"} 0"), std::string::npos) << metrics;
}

}  // namespace
}  // namespace kubeiam
