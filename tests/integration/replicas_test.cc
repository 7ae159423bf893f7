// Two `kubeiam serve` replicas sharing one state in a real etcd (store.etcd): an access entry
// written through replica 1's EKS API authenticates on replica 2, and a ClusterRoleBinding written
// through replica 2's front authorizes on replica 1, each within a second.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "http/client.h"
#include "integration/cli_runner.h"
#include "support/etcd_server.h"
#include "support/paths.h"
#include "support/temp_dir.h"

namespace kubeiam {
namespace {

using testing::Outcome;

struct Replica {
  std::string dir;
  int port = 0, sts = 0, eks = 0, api = 0;
  std::unique_ptr<testing::Process> process;

  std::string Ca() const { return dir + "/state/ca.crt"; }
  std::string Url(int p, const std::string& path) const { return "https://127.0.0.1:" + std::to_string(p) + path; }

  boost::json::object Post(const std::string& path, const std::string& body) const {
    auto r = http::Fetch({.method = "POST", .url = Url(port, path), .headers = {{"Content-Type", "application/json"}},
                          .body = body, .ca_file = Ca()});
    boost::system::error_code ec;
    auto doc = r ? boost::json::parse(r->body, ec) : boost::json::value();
    return !ec && doc.is_object() ? doc.as_object() : boost::json::object();
  }
};

class Replicas : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    etcd_ = testing::SharedEtcd(&error);
    ASSERT_FALSE(etcd_.empty()) << error;
    std::ifstream in(std::string(KUBEIAM_TEST_DIR) + "/../examples/local/principals.yaml");
    dir_.Write("principals.yaml", std::string(std::istreambuf_iterator<char>(in), {}));
    for (int i = 0; i < 2; ++i) Start(replicas_[i], "r" + std::to_string(i + 1));
  }

  void Start(Replica& r, const std::string& name) {
    r.dir = dir_.path() + "/" + name;
    std::filesystem::create_directories(r.dir);
    r.port = testing::FreePort(), r.sts = testing::FreePort(), r.eks = testing::FreePort(), r.api = testing::FreePort();
    dir_.Write(name + "/config.yaml",
               "clusterID: demo\nserver:\n  port: " + std::to_string(r.port) +
                   "\n  stateDir: ./state\n  backendMode: [MountedFile, EKSConfigMap]\n  authenticationMode: API_AND_CONFIG_MAP\n"
                   "  mapUsers:\n  - {userarn: \"arn:aws:iam::111122223333:user/viewer\", username: admin, groups: [system:masters]}\n"
                   "kubeAPI: {port: " + std::to_string(r.api) + "}\neksAPI: {port: " + std::to_string(r.eks) +
                   ", accountID: \"111122223333\"}\nsts:\n  local: {principals: ../principals.yaml, port: " + std::to_string(r.sts) +
                   "}\nauthorization: {webhook: full}\nstore:\n  etcd:\n    endpoints: [" + etcd_ + "]\n    prefix: /replicas-" +
                   std::to_string(getpid()) + "/\n");
    r.process = testing::StartServe(r.dir, r.port);
  }

  std::map<std::string, std::string> Env(const std::string& key, const std::string& secret, const Replica& r) const {
    return {{"HOME", dir_.path()}, {"AWS_EC2_METADATA_DISABLED", "true"}, {"AWS_CONFIG_FILE", "/dev/null"},
            {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}, {"AWS_ACCESS_KEY_ID", key}, {"AWS_SECRET_ACCESS_KEY", secret},
            {"AWS_CA_BUNDLE", r.Ca()}, {"AWS_DEFAULT_REGION", "us-east-1"}, {"NO_PROXY", "127.0.0.1"}};
  }

  testing::TempDir dir_;
  std::string etcd_;
  Replica replicas_[2];
};

// Polls `probe` for up to a second.
template <typename Probe>
bool WithinASecond(Probe probe) {
  for (int i = 0; i < 20; ++i) {
    if (probe()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return probe();
}

TEST_F(Replicas, WritesOnOneReplicaTakeEffectOnTheOther) {
  const Replica &r1 = replicas_[0], &r2 = replicas_[1];
  const std::string viewer_key = "AKIAEXAMPLEVIEWER001", viewer_secret = "kubeiamViewerSecretKeyDoNotUseAnywhere00";
  Outcome created = testing::Run({KUBEIAM_BINARY, "access-entry", "create", "--endpoint-url", r1.Url(r1.eks, ""), "--cluster-name",
                                  "demo", "--principal-arn", "arn:aws:iam::111122223333:user/testuser", "--kubernetes-groups", "team"},
                                 Env(viewer_key, viewer_secret, r1));
  ASSERT_EQ(created.exit_code, 0) << created.out << created.err;
  auto token = testing::Run({KUBEIAM_BINARY, "token", "-i", "demo", "--token-only", "--sts-endpoint", r2.Url(r2.sts, "")},
                            Env("AKIAEXAMPLETESTUSER1", "kubeiamExampleSecretKeyDoNotUseAnywhere0", r2));
  ASSERT_EQ(token.exit_code, 0) << token.err;
  std::string review = R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":")" +
                       token.out.substr(0, token.out.find('\n')) + R"("}})";
  EXPECT_TRUE(WithinASecond([&] {
    auto doc = r2.Post("/authenticate", review);
    return boost::json::serialize(doc).find(R"("groups":["team")") != std::string::npos;
  })) << "replica 2 never authenticated the entry made on replica 1";

  std::string kubeconfig = dir_.Write("kubeconfig", testing::ExecKubeconfig(r2.api, r2.sts, r2.Ca(), viewer_key, viewer_secret));
  Outcome bound = testing::Run({"kubectl", "--kubeconfig", kubeconfig, "create", "clusterrolebinding", "team-view",
                                "--clusterrole=view", "--group=team"},
                               Env(viewer_key, viewer_secret, r2));
  ASSERT_EQ(bound.exit_code, 0) << bound.err;
  std::string sar = R"({"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"testuser",)"
                    R"("groups":["team"],"resourceAttributes":{"verb":"list","resource":"pods","namespace":"default"}}})";
  std::string last;
  EXPECT_TRUE(WithinASecond([&] {
    last = boost::json::serialize(r1.Post("/authorize", sar));
    return last.find(R"("allowed":true)") != std::string::npos;
  })) << "replica 1 never authorized with the binding made on replica 2: " << last;
}

}  // namespace
}  // namespace kubeiam
