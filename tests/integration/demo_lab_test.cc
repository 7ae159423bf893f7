// The seed lab of examples/demo (what `make run` starts), walked through as the README tells
// it, with the real kubectl through both kubeconfigs (kubeiam token, aws eks get-token) and the
// real awscli for the EKS access API: unmapped -> 401; system:masters -> nodes listed; only
// system:authenticated -> 403 with the API server's message; authentication mode API and an
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
    for (const char* f : {"config.yaml", "kubeconfig.yaml", "kubeconfig-awscli.yaml"}) {
      std::string text = Slurp(Path(f));
      for (const auto& [from, to] : ports_) ReplaceAll(text, ":" + from, ":" + to), ReplaceAll(text, "port: " + from, "port: " + to);
      ReplaceAll(text, "../../state/demo", dir_.path() + "/state");
      ReplaceAll(text, "command: kubeiam", "command: " + std::string(KUBEIAM_BINARY));
      dir_.Write("demo/" + std::string(f), text);
    }
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
  std::string Path(const std::string& f) const { return dir_.path() + "/demo/" + f; }
  std::map<std::string, std::string> Env() const {
    return {{"HOME", dir_.path()}, {"PATH", "/usr/bin:/bin:" + std::string(getenv("PATH") ? getenv("PATH") : "")},
            {"AWS_EC2_METADATA_DISABLED", "true"}, {"AWS_CONFIG_FILE", "/dev/null"},
            {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}, {"AWS_CA_BUNDLE", dir_.path() + "/state/ca.crt"},
            {"AWS_DEFAULT_REGION", "us-east-1"}, {"NO_PROXY", "127.0.0.1"}};
  }
  Outcome Kubectl(const std::string& kubeconfig, std::vector<std::string> args) const {
    args.insert(args.begin(), {"kubectl", "--kubeconfig", Path(kubeconfig)});
    return testing::Run(args, Env());
  }
  Outcome Kubeiam(std::vector<std::string> args) const {
    args.insert(args.begin(), KUBEIAM_BINARY);
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
      Outcome offline = Kubeiam(can_i), server = Kubectl("kubeconfig.yaml", live);
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
      if (testing::WhoamiGroupsAre(Kubectl("kubeconfig.yaml", {"auth", "whoami", "-o", "json"}).out, group)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL() << "the groups never became " << group << " (and system:authenticated)";
  }

  testing::TempDir dir_;
  std::map<std::string, std::string> ports_;
  std::unique_ptr<testing::Process> server_;
};

TEST_F(DemoLab, ReadmeWalkthrough) {
  Outcome probe = testing::Run({"aws", "sts", "get-caller-identity", "--endpoint-url", "https://127.0.0.1:" + ports_["21364"]},
                               [&] {
                                 auto e = Env();
                                 e["AWS_ACCESS_KEY_ID"] = "AKIAEXAMPLETESTUSER1";
                                 e["AWS_SECRET_ACCESS_KEY"] = "kubeiamExampleSecretKeyDoNotUseAnywhere0";
                                 return e;
                               }());
  bool awscli = probe.exit_code == 0;
  std::vector<std::string> kubeconfigs = {"kubeconfig.yaml"};
  if (awscli) kubeconfigs.push_back("kubeconfig-awscli.yaml");
  const std::string testuser = "arn:aws:iam::111122223333:user/testuser";

  // 1. Unmapped: 401.
  for (const auto& k : kubeconfigs) {
    Outcome o = Kubectl(k, {"get", "node"});
    EXPECT_EQ(o.exit_code, 1) << k;
    EXPECT_NE(o.err.find("You must be logged in to the server"), std::string::npos) << k << ": " << o.err;
  }
  ExpectAgreement("unmapped");
  // 2. Mapped to system:masters in aws-auth: the nodes.
  ASSERT_EQ(Kubeiam({"mapping", "create", "--aws-auth", Path("aws-auth.yaml"), "--arn", testuser, "--username", "testuser",
                     "--group", "system:masters"}).exit_code,
            0);
  WaitForGroup("system:masters");
  for (const auto& k : kubeconfigs) {
    Outcome o = Kubectl(k, {"get", "node"});
    EXPECT_EQ(o.exit_code, 0) << k << ": " << o.err;
    EXPECT_NE(o.out.find("ip-10-0-1-23.ec2.internal"), std::string::npos) << k << ": " << o.out;
  }
  ExpectAgreement("system:masters");
  // 3. Only system:authenticated: 403 with the API server's message.
  // (the config's KubernetesAdmin mapping keeps an administrator, so the last system:masters row may go)
  ASSERT_EQ(Kubeiam({"mapping", "delete", "--aws-auth", Path("aws-auth.yaml"), "--arn", testuser, "--config",
                     Path("config.yaml")}).exit_code,
            0);
  ASSERT_EQ(Kubeiam({"mapping", "create", "--aws-auth", Path("aws-auth.yaml"), "--arn", testuser, "--username", "testuser",
                     "--group", "system:authenticated"}).exit_code,
            0);
  WaitForGroup("system:authenticated");
  for (const auto& k : kubeconfigs) {
    Outcome o = Kubectl(k, {"get", "node"});
    EXPECT_NE(o.err.find("Error from server (Forbidden): nodes is forbidden: User \"testuser\" cannot list resource "
                         "\"nodes\" in API group \"\" at the cluster scope"),
              std::string::npos)
        << k << ": " << o.err;
  }
  ExpectAgreement("system:authenticated");
  // 4. Authentication mode API and an access entry with group pod-viewer.
  std::string config = Path("config.yaml");
  ASSERT_EQ(Kubeiam({"access-entry", "create", "--config", config, "--cluster-name", "demo", "--principal-arn", testuser,
                     "--username", "testuser", "--kubernetes-groups", "pod-viewer"}).exit_code,
            0);
  WaitForGroup("pod-viewer");
  ExpectAgreement("access entry, API_AND_CONFIG_MAP");
  Outcome api = Kubeiam({"access-entry", "update-cluster-config", "--config", config, "--cluster-name", "demo",
                         "--authentication-mode", "API"});
  ASSERT_EQ(api.exit_code, 0) << api.err;
  WaitForGroup("pod-viewer");
  for (const auto& k : kubeconfigs) {
    EXPECT_EQ(Kubectl(k, {"auth", "can-i", "get", "pods"}).out, "yes\n") << k;
    EXPECT_EQ(Kubectl(k, {"auth", "can-i", "delete", "pods"}).out, "no\n") << k;
  }
  // As on EKS: with access entries on, the rules list may be incomplete (the policy webhook).
  Outcome list = Kubectl("kubeconfig.yaml", {"auth", "can-i", "--list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.err.find("the list may be incomplete"), std::string::npos) << list.err;
  Outcome pods = Kubectl("kubeconfig.yaml", {"get", "pods"});
  EXPECT_NE(pods.out.find("nginx"), std::string::npos) << pods.err;
  ExpectAgreement("pod-viewer, API");
  // 5. Group pod-admin: delete pods yes.
  ASSERT_EQ(Kubeiam({"access-entry", "update", "--config", config, "--cluster-name", "demo", "--principal-arn", testuser,
                     "--kubernetes-groups", "pod-admin"}).exit_code,
            0);
  WaitForGroup("pod-admin");
  for (const auto& k : kubeconfigs) EXPECT_EQ(Kubectl(k, {"auth", "can-i", "delete", "pods"}).out, "yes\n") << k;
  Outcome whoami = Kubectl("kubeconfig.yaml", {"auth", "whoami"});
  EXPECT_NE(whoami.out.find("testuser"), std::string::npos) << whoami.out;
  EXPECT_NE(whoami.out.find("pod-admin"), std::string::npos) << whoami.out;
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
  Outcome o = testing::Run({"bash", "-c", script}, Env());
  // Step by step: 401; the nodes; 403; yes, no, nginx; yes.
  EXPECT_NE(o.err.find("You must be logged in to the server"), std::string::npos) << o.err;
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
