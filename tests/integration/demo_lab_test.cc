// The seed lab of examples/demo (what `make run` starts), walked through as the README tells it,
// with the real awscli and kubectl on a kubeconfig written by `aws eks update-kubeconfig` (and one
// by `kubeiam update-kubeconfig`): unmapped -> 401; mapped to system:masters by `kubectl edit cm
// aws-auth` -> nodes listed; only system:authenticated (kubeiam mapping through the API) -> 403
// with the API server's message; authentication mode API, the pod roles applied and bound, an
// access entry with group pod-viewer -> can-i get pods yes, delete no; pod-admin -> yes. In every
// state, `kubeiam can-i --config` answers offline what the server answers kubectl live. And the
// README's block, pasted as one script with no waits, prints what its comments say.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
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

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void ReplaceAll(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

class DemoLab : public ::testing::Test {
 protected:
  void SetUp() override {
    namespace fs = std::filesystem;
    fs::copy(std::string(KUBEIAM_TEST_DIR) + "/../examples/demo", dir_.path() + "/demo", fs::copy_options::recursive);
    for (const char* port : {"21362", "21364", "21365", "6443"}) ports_[port] = std::to_string(testing::FreePort());
    std::string config = Localize(Slurp(Path("config.yaml")));
    ReplaceAll(config, "../../state/demo", dir_.path() + "/state");
    dir_.Write("demo/config.yaml", config);
    server_ = std::make_unique<testing::Process>(std::vector<std::string>{KUBEIAM_BINARY, "serve", "--config", Path("config.yaml")},
                                                 std::map<std::string, std::string>{{"PATH", "/usr/bin:/bin"}},
                                                 dir_.path() + "/serve.log");
    for (int i = 0; i < 100; ++i) {
      auto r = http::Fetch({.url = "https://127.0.0.1:" + ports_["21362"] + "/healthz",
                            .timeout = std::chrono::milliseconds(500), .ca_file = dir_.path() + "/state/ca.crt"});
      if (r && r->status == 200) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  // The lab's fixed ports, as this test's free ones.
  std::string Localize(std::string text) const {
    for (const auto& [from, to] : ports_) ReplaceAll(text, ":" + from, ":" + to), ReplaceAll(text, "port: " + from, "port: " + to);
    return text;
  }
  std::string Path(const std::string& f) const { return dir_.path() + "/demo/" + f; }
  // What the README exports: testuser's keys, the lab's STS and EKS, the CA, the kubeconfig.
  std::map<std::string, std::string> Env() const {
    std::string bin = std::filesystem::path(KUBEIAM_BINARY).parent_path().string();
    return {{"HOME", dir_.path()}, {"PATH", bin + ":/usr/bin:/bin:" + std::string(getenv("PATH") ? getenv("PATH") : "")},
            {"AWS_EC2_METADATA_DISABLED", "true"}, {"AWS_CONFIG_FILE", dir_.path() + "/state/aws-config"},
            {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}, {"AWS_CA_BUNDLE", dir_.path() + "/state/ca.crt"},
            {"AWS_DEFAULT_REGION", "us-east-1"}, {"NO_PROXY", "127.0.0.1"},
            {"AWS_ENDPOINT_URL_STS", "https://127.0.0.1:" + ports_.at("21364")},
            {"AWS_ENDPOINT_URL_EKS", "https://127.0.0.1:" + ports_.at("21365")},
            {"AWS_ACCESS_KEY_ID", "AKIAEXAMPLETESTUSER1"}, {"AWS_SECRET_ACCESS_KEY", "kubeiamExampleSecretKeyDoNotUseAnywhere0"},
            {"KUBECONFIG", dir_.path() + "/state/kubeconfig"}};
  }
  Outcome Kubectl(const std::string& context, std::vector<std::string> args,
                  const std::map<std::string, std::string>& more_env = {}) const {
    args.insert(args.begin(), {"kubectl", "--context", context});
    auto env = Env();
    for (const auto& [k, v] : more_env) env[k] = v;
    return testing::Run(args, env);
  }
  Outcome Kubeiam(std::vector<std::string> args) const {
    args.insert(args.begin(), KUBEIAM_BINARY);
    return testing::Run(args, Env());
  }
  Outcome Aws(std::vector<std::string> args) const {
    args.insert(args.begin(), "aws");
    return testing::Run(args, Env());
  }
  // `kubeiam can-i --config --arn` offline and `kubectl auth can-i` through the server agree on
  // every question (both refuse an unmapped caller).
  void ExpectAgreement(const std::string& state) const {
    const std::vector<std::vector<std::string>> questions = {
        {"get", "pods"}, {"delete", "pods"}, {"list", "nodes"}, {"get", "secrets", "-n", "kube-system"}};
    for (const auto& q : questions) {
      std::vector<std::string> can_i = {"can-i"};
      can_i.insert(can_i.end(), q.begin(), q.end());
      std::vector<std::string> live = {"auth", "can-i"};
      live.insert(live.end(), q.begin(), q.end());
      can_i.insert(can_i.end(), {"--config", Path("config.yaml"), "--arn", "arn:aws:iam::111122223333:user/testuser"});
      Outcome offline = Kubeiam(can_i), server = Kubectl("testuser", live);
      std::string question = state + ": " + q[0] + " " + q[1];
      if (server.err.find("You must be logged in") != std::string::npos) {
        EXPECT_NE(offline.exit_code, 0) << question << ": " << offline.out;
        EXPECT_NE((offline.out + offline.err).find("not mapped"), std::string::npos) << question << ": " << offline.err;
        continue;
      }
      EXPECT_EQ(offline.out, server.out) << question << "\noffline: " << offline.err << "\nlive: " << server.err;
    }
  }
  // Polls `kubectl auth whoami` until the groups show `group` (reloads are asynchronous).
  void WaitForGroup(const std::string& group) const {
    for (int i = 0; i < 40; ++i) {
      if (testing::WhoamiGroupsAre(Kubectl("testuser", {"auth", "whoami", "-o", "json"}).out, group)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL() << "the groups never became " << group << " (and system:authenticated)";
  }

  testing::TempDir dir_;
  std::map<std::string, std::string> ports_;
  std::unique_ptr<testing::Process> server_;
};

TEST_F(DemoLab, ReadmeWalkthrough) {
  const std::string testuser = "arn:aws:iam::111122223333:user/testuser";
  const std::string admin_role = "arn:aws:iam::111122223333:role/KubernetesAdmin";
  ASSERT_EQ(Aws({"configure", "set", "profile.admin.role_arn", admin_role}).exit_code, 0);
  ASSERT_EQ(Aws({"configure", "set", "profile.admin.credential_source", "Environment"}).exit_code, 0);
  Outcome mine = Kubeiam({"update-kubeconfig", "--name", "demo", "--alias", "kubeiam-plugin", "--user-alias", "kubeiam-plugin"});
  ASSERT_EQ(mine.exit_code, 0) << mine.err;
  EXPECT_EQ(mine.out, "Added new context kubeiam-plugin to " + dir_.path() + "/state/kubeconfig\n");
  Outcome admin = Aws({"eks", "update-kubeconfig", "--name", "demo", "--role-arn", admin_role, "--alias", "admin"});
  ASSERT_EQ(admin.exit_code, 0) << admin.err;
  Outcome user = Aws({"eks", "update-kubeconfig", "--name", "demo", "--user-alias", "testuser", "--alias", "testuser"});
  ASSERT_EQ(user.exit_code, 0) << user.err;
  const std::vector<std::string> contexts = {"testuser", "kubeiam-plugin"};

  // 1. Unmapped: 401. aws-auth holds the nodes' role, as the cluster started.
  for (const auto& c : contexts) {
    Outcome o = Kubectl(c, {"get", "node"});
    EXPECT_EQ(o.exit_code, 1) << c;
    EXPECT_NE(o.err.find("You must be logged in to the server"), std::string::npos) << c << ": " << o.err;
  }
  Outcome cm = Kubectl("admin", {"get", "cm", "-n", "kube-system", "aws-auth", "-o", "yaml"});
  EXPECT_NE(cm.out.find("rolearn: arn:aws:iam::111122223333:role/NodeRole"), std::string::npos) << cm.out << cm.err;
  ExpectAgreement("unmapped");
  // 2. kubectl edit maps testuser to system:masters: the nodes.
  std::string editor = dir_.Write("editor.sh", "#!/bin/sh\nsed -i '/^data:/a\\  mapUsers: |\\n    - userarn: " + testuser +
                                                   "\\n      username: testuser\\n      groups:\\n      - system:masters' \"$1\"\n",
                                  0755);
  Outcome edited = Kubectl("admin", {"edit", "cm", "-n", "kube-system", "aws-auth"}, {{"KUBE_EDITOR", editor}});
  ASSERT_EQ(edited.exit_code, 0) << edited.err;
  WaitForGroup("system:masters");
  for (const auto& c : contexts) {
    Outcome o = Kubectl(c, {"get", "node"});
    EXPECT_EQ(o.exit_code, 0) << c << ": " << o.err;
    EXPECT_NE(o.out.find("ip-10-0-1-23.ec2.internal"), std::string::npos) << c << ": " << o.out;
  }
  ExpectAgreement("system:masters");
  // 3. Only system:authenticated (kubeiam mapping through the API): 403 with the API server's message.
  // (the config's KubernetesAdmin mapping keeps an administrator, so the last system:masters row may go)
  Outcome removed = Kubeiam({"mapping", "delete", "--context", "admin", "--arn", testuser});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  Outcome added = Kubeiam({"mapping", "create", "--cluster", "demo", "--context", "admin", "--arn", testuser, "--username",
                           "testuser", "--group", "system:authenticated"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  WaitForGroup("system:authenticated");
  for (const auto& c : contexts) {
    Outcome o = Kubectl(c, {"get", "node"});
    EXPECT_NE(o.err.find("Error from server (Forbidden): nodes is forbidden: User \"testuser\" cannot list resource "
                         "\"nodes\" in API group \"\" at the cluster scope"),
              std::string::npos)
        << c << ": " << o.err;
  }
  ExpectAgreement("system:authenticated");
  // 4. Authentication mode API; the pod roles applied and bound; an access entry with group pod-viewer.
  Outcome api = Aws({"eks", "update-cluster-config", "--profile", "admin", "--name", "demo", "--access-config",
                     "authenticationMode=API"});
  ASSERT_EQ(api.exit_code, 0) << api.err;
  Outcome applied = Kubectl("admin", {"apply", "-f", Path("pod-viewer-role.yaml"), "-f", Path("pod-admin-role.yaml")});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  for (const char* group : {"pod-viewer", "pod-admin"}) {
    std::string g = group;
    Outcome bound = Kubectl("admin", {"create", "clusterrolebinding", g + "-binding", "--clusterrole=" + g + "-role", "--group=" + g});
    ASSERT_EQ(bound.exit_code, 0) << bound.err;
  }
  Outcome entry = Aws({"eks", "create-access-entry", "--profile", "admin", "--cluster-name", "demo", "--principal-arn",
                       testuser, "--kubernetes-groups", "pod-viewer"});
  ASSERT_EQ(entry.exit_code, 0) << entry.err;
  WaitForGroup("pod-viewer");
  for (const auto& c : contexts) {
    EXPECT_EQ(Kubectl(c, {"auth", "can-i", "get", "pods"}).out, "yes\n") << c;
    EXPECT_EQ(Kubectl(c, {"auth", "can-i", "delete", "pods"}).out, "no\n") << c;
  }
  // As on EKS: with access entries on, the rules list may be incomplete (the policy webhook).
  Outcome list = Kubectl("testuser", {"auth", "can-i", "--list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.err.find("the list may be incomplete"), std::string::npos) << list.err;
  Outcome pods = Kubectl("testuser", {"get", "pods"});
  EXPECT_NE(pods.out.find("nginx"), std::string::npos) << pods.err;
  ExpectAgreement("pod-viewer, API");
  // 5. Group pod-admin: delete pods yes.
  Outcome updated = Aws({"eks", "update-access-entry", "--profile", "admin", "--cluster-name", "demo", "--principal-arn",
                         testuser, "--kubernetes-groups", "pod-admin"});
  ASSERT_EQ(updated.exit_code, 0) << updated.err;
  WaitForGroup("pod-admin");
  for (const auto& c : contexts) EXPECT_EQ(Kubectl(c, {"auth", "can-i", "delete", "pods"}).out, "yes\n") << c;
  ExpectAgreement("pod-admin, API");
}

// The README's "Try it" block as a user pastes it: one script, no waits between steps. A change
// the server reads from a file or the store is served before the next kubectl runs.
TEST_F(DemoLab, ReadmeBlockRunsAsOneScript) {
  std::string readme = Slurp(std::string(KUBEIAM_TEST_DIR) + "/../README.md");
  size_t try_it = readme.find("## Try it");
  ASSERT_NE(try_it, std::string::npos);
  size_t start = readme.find("```sh\n", try_it);
  size_t end = readme.find("```\n", start + 6);
  ASSERT_NE(end, std::string::npos);
  std::string script = readme.substr(start + 6, end - start - 6);
  ReplaceAll(script, "$PWD/build", std::filesystem::path(KUBEIAM_BINARY).parent_path().string());
  ReplaceAll(script, "$PWD/state/demo", dir_.path() + "/state");
  ReplaceAll(script, "examples/demo/", dir_.path() + "/demo/");
  script = Localize(script);
  auto env = Env();  // the script sets its own
  for (const char* k : {"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_EKS", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                        "KUBECONFIG", "AWS_CONFIG_FILE", "AWS_CA_BUNDLE"}) {
    env.erase(k);
  }
  Outcome o = testing::Run({"bash", "-c", script}, env);
  // Step by step: 401; aws-auth; the nodes; 403; yes, no, nginx; yes.
  EXPECT_NE(o.err.find("You must be logged in to the server"), std::string::npos) << o.err;
  EXPECT_NE(o.out.find("role/NodeRole"), std::string::npos) << o.out << o.err;
  EXPECT_NE(o.out.find("ip-10-0-1-23.ec2.internal"), std::string::npos) << o.out << o.err;
  EXPECT_NE(o.err.find("nodes is forbidden: User \"testuser\" cannot list resource \"nodes\""), std::string::npos) << o.err;
  size_t yes_no = o.out.find("yes\nno\n");
  ASSERT_NE(yes_no, std::string::npos) << o.out << o.err;
  size_t nginx = o.out.find("nginx", yes_no);
  ASSERT_NE(nginx, std::string::npos) << o.out << o.err;
  EXPECT_NE(o.out.find("yes\n", nginx), std::string::npos) << o.out << o.err;
}

}  // namespace
}  // namespace kubeiam
