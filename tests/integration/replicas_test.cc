// Three `kubeiam serve` replicas sharing one state in a real three-member etcd cluster
// (store.etcd): what is written through one replica's EKS API or front takes effect on the others
// within a second; conflicting writes settle with none lost; an etcd member down changes
// nothing, all of them down keeps decisions served while writes fail cleanly, and the replicas
// catch up when etcd returns; a replica cut off while its history is compacted reloads; a replica
// killed mid-write lost nothing it acknowledged.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <atomic>
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

const std::string kViewerKey = "AKIAEXAMPLEVIEWER001", kViewerSecret = "kubeiamViewerSecretKeyDoNotUseAnywhere00";
const std::string kUserKey = "AKIAEXAMPLETESTUSER1", kUserSecret = "kubeiamExampleSecretKeyDoNotUseAnywhere0";

struct Replica {
  std::string dir;
  int port = 0, sts = 0, eks = 0, api = 0;
  std::unique_ptr<testing::Process> process;

  std::string Ca() const { return dir + "/state/ca.crt"; }
  std::string Url(int p, const std::string& path) const { return "https://127.0.0.1:" + std::to_string(p) + path; }

  Result<http::Response> Call(const std::string& method, int p, const std::string& path, const std::string& body,
                              const std::string& token = "", const std::string& type = "application/json") const {
    http::Headers headers = {{"Content-Type", type}};
    if (!token.empty()) headers.push_back({"Authorization", "Bearer " + token});
    return http::Fetch({.method = method, .url = Url(p, path), .headers = headers, .body = body, .ca_file = Ca()});
  }
  std::string Post(const std::string& path, const std::string& body) const {
    auto r = Call("POST", port, path, body);
    return r ? r->body : "";
  }
};

class Replicas : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    etcd_ = testing::EtcdCluster::Start(3, &error);
    ASSERT_TRUE(etcd_) << error;
    std::ifstream in(std::string(KUBEIAM_TEST_DIR) + "/../examples/local/principals.yaml");
    dir_.Write("principals.yaml", std::string(std::istreambuf_iterator<char>(in), {}));
    for (int i = 0; i < 3; ++i) Start(replicas_[i], "r" + std::to_string(i + 1), {0, 1, 2});
  }

  // A replica whose store is the given etcd members.
  void Start(Replica& r, const std::string& name, const std::vector<int>& members) {
    r.dir = dir_.path() + "/" + name;
    std::filesystem::create_directories(r.dir);
    r.port = testing::FreePort(), r.sts = testing::FreePort(), r.eks = testing::FreePort(), r.api = testing::FreePort();
    std::string endpoints;
    for (int m : members) endpoints += (endpoints.empty() ? "" : ", ") + etcd_->url(m);
    dir_.Write(name + "/config.yaml",
               "clusterID: demo\nserver:\n  port: " + std::to_string(r.port) +
                   "\n  stateDir: ./state\n  backendMode: [MountedFile, EKSConfigMap]\n  authenticationMode: API_AND_CONFIG_MAP\n"
                   "  mapUsers:\n  - {userarn: \"arn:aws:iam::111122223333:user/viewer\", username: admin, groups: [system:masters]}\n"
                   "kubeAPI: {port: " + std::to_string(r.api) + "}\neksAPI: {port: " + std::to_string(r.eks) +
                   ", accountID: \"111122223333\"}\nsts:\n  local: {principals: ../principals.yaml, port: " + std::to_string(r.sts) +
                   "}\nauthorization: {webhook: full}\nstore:\n  etcd:\n    endpoints: [" + endpoints + "]\n    prefix: /demo/\n");
    r.process = testing::StartServe(r.dir, r.port);
  }

  std::map<std::string, std::string> Env(const std::string& key, const std::string& secret, const Replica& r) const {
    return {{"HOME", dir_.path()}, {"AWS_EC2_METADATA_DISABLED", "true"}, {"AWS_CONFIG_FILE", "/dev/null"},
            {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}, {"AWS_ACCESS_KEY_ID", key}, {"AWS_SECRET_ACCESS_KEY", secret},
            {"AWS_CA_BUNDLE", r.Ca()}, {"AWS_DEFAULT_REGION", "us-east-1"}, {"NO_PROXY", "127.0.0.1"}};
  }

  // A token from replica r's STS (each replica verifies with its own).
  std::string Token(const Replica& r, const std::string& key, const std::string& secret) const {
    auto token = testing::Run({KUBEIAM_BINARY, "token", "-i", "demo", "--token-only", "--sts-endpoint", r.Url(r.sts, "")},
                              Env(key, secret, r));
    EXPECT_EQ(token.exit_code, 0) << token.err;
    return token.out.substr(0, token.out.find('\n'));
  }

  Outcome CreateEntry(const Replica& r, const std::string& arn, const std::string& group) const {
    return testing::Run({KUBEIAM_BINARY, "access-entry", "create", "--endpoint-url", r.Url(r.eks, ""), "--cluster-name", "demo",
                         "--principal-arn", arn, "--kubernetes-groups", group},
                        Env(kViewerKey, kViewerSecret, r));
  }

  // Whether replica r maps testuser's token into `group`.
  bool AuthenticatesInto(const Replica& r, const std::string& token, const std::string& group) const {
    std::string review = R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":")" + token + R"("}})";
    return r.Post("/authenticate", review).find(R"("groups":[")" + group + "\"") != std::string::npos;
  }

  bool Authorizes(const Replica& r, const std::string& group) const {
    std::string sar = R"({"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"testuser",)"
                      R"("groups":[")" + group + R"("],"resourceAttributes":{"verb":"list","resource":"pods","namespace":"default"}}})";
    return r.Post("/authorize", sar).find(R"("allowed":true)") != std::string::npos;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::EtcdCluster> etcd_;
  Replica replicas_[3];
};

// Polls `probe` for up to `ms` milliseconds.
template <typename Probe>
bool Within(int ms, Probe probe) {
  for (int i = 0; i < ms / 50; ++i) {
    if (probe()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return probe();
}

TEST_F(Replicas, WritesOnOneReplicaTakeEffectOnTheOthersWithinASecond) {
  const Replica &r1 = replicas_[0], &r2 = replicas_[1], &r3 = replicas_[2];
  Outcome created = CreateEntry(r1, "arn:aws:iam::111122223333:user/testuser", "team");
  ASSERT_EQ(created.exit_code, 0) << created.out << created.err;
  std::string token = Token(r3, kUserKey, kUserSecret);
  EXPECT_TRUE(Within(1000, [&] { return AuthenticatesInto(r3, token, "team"); }))
      << "replica 3 never authenticated the entry made on replica 1";

  std::string kubeconfig = dir_.Write("kubeconfig", testing::ExecKubeconfig(r2.api, r2.sts, r2.Ca(), kViewerKey, kViewerSecret));
  Outcome bound = testing::Run({"kubectl", "--kubeconfig", kubeconfig, "create", "clusterrolebinding", "team-view",
                                "--clusterrole=view", "--group=team"},
                               Env(kViewerKey, kViewerSecret, r2));
  ASSERT_EQ(bound.exit_code, 0) << bound.err;
  EXPECT_TRUE(Within(1000, [&] { return Authorizes(r1, "team"); }))
      << "replica 1 never authorized with the binding made on replica 2";
}

// 200 merge patches of one ConfigMap, each adding its own label, from two writers on two
// replicas at once: every one lands (a 409 is retried, as clients do).
TEST_F(Replicas, ConflictingWritesOverTwoReplicasAllSettle) {
  const Replica* writers[2] = {&replicas_[0], &replicas_[1]};
  std::string tokens[2] = {Token(*writers[0], kViewerKey, kViewerSecret), Token(*writers[1], kViewerKey, kViewerSecret)};
  auto created = writers[0]->Call("POST", writers[0]->api, "/api/v1/namespaces/default/configmaps",
                                  R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"shared"}})", tokens[0]);
  ASSERT_TRUE(created && created->status == 201) << (created ? created->body : created.error().message);
  std::atomic<int> failures{0};
  auto write = [&](int w) {
    for (int i = w; i < 200; i += 2) {
      std::string patch = R"({"metadata":{"labels":{"l)" + std::to_string(i) + R"(":"v"}}})";
      for (int attempt = 0;; ++attempt) {
        auto r = writers[w]->Call("PATCH", writers[w]->api, "/api/v1/namespaces/default/configmaps/shared", patch, tokens[w],
                                  "application/merge-patch+json");
        if (r && r->status == 200) break;
        if (attempt == 20 || (r && r->status != 409)) {
          ++failures;
          break;
        }
      }
    }
  };
  std::thread a(write, 0), b(write, 1);
  a.join();
  b.join();
  EXPECT_EQ(failures.load(), 0);
  auto read = replicas_[2].Call("GET", replicas_[2].api, "/api/v1/namespaces/default/configmaps/shared", "",
                                Token(replicas_[2], kViewerKey, kViewerSecret));
  ASSERT_TRUE(read && read->status == 200);
  auto labels = boost::json::parse(read->body).at("metadata").at("labels").as_object();
  EXPECT_EQ(labels.size(), 200u) << "lost updates";
}

// One member down: nothing changes. Every member down: decisions are served from the last
// snapshot, writes fail at once naming etcd (EKS's ServerException, the API server's 503), and
// /readyz stays ready while /readyz/store says why. etcd back: the replicas catch up, unrestarted.
TEST_F(Replicas, AnEtcdOutageKeepsDecisionsAndFailsWritesCleanly) {
  const Replica &r1 = replicas_[0], &r2 = replicas_[1], &r3 = replicas_[2];
  ASSERT_EQ(CreateEntry(r1, "arn:aws:iam::111122223333:user/testuser", "team").exit_code, 0);
  std::string token = Token(r3, kUserKey, kUserSecret);
  ASSERT_TRUE(Within(1000, [&] { return AuthenticatesInto(r3, token, "team"); }));

  etcd_->Stop(0);
  Outcome with_two = CreateEntry(r2, "arn:aws:iam::111122223333:role/two-members", "two");
  EXPECT_EQ(with_two.exit_code, 0) << with_two.err;
  EXPECT_TRUE(AuthenticatesInto(r3, Token(r3, kUserKey, kUserSecret), "team"));

  etcd_->Stop(1);
  etcd_->Stop(2);
  auto started = std::chrono::steady_clock::now();
  Outcome refused = CreateEntry(r2, "arn:aws:iam::111122223333:role/no-etcd", "none");
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("ServerException"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("etcd"), std::string::npos) << refused.err;
  EXPECT_LT(took, std::chrono::seconds(5)) << "writes fail fast";
  std::string admin = Token(r1, kViewerKey, kViewerSecret);
  auto created = r1.Call("POST", r1.api, "/api/v1/namespaces/default/configmaps",
                         R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"while-down"}})", admin);
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 503) << created->body;
  EXPECT_NE(created->body.find("etcd"), std::string::npos) << created->body;
  EXPECT_TRUE(AuthenticatesInto(r3, Token(r3, kUserKey, kUserSecret), "team")) << "authentication from the last snapshot";
  EXPECT_TRUE(AuthenticatesInto(r1, Token(r1, kUserKey, kUserSecret), "team"));
  auto ready = r1.Call("GET", r1.port, "/readyz", "");
  EXPECT_EQ(ready->status, 200);
  EXPECT_TRUE(Within(2000, [&] { return r1.Call("GET", r1.port, "/readyz/store", "")->status == 503; }));
  EXPECT_NE(r1.Call("GET", r1.port, "/readyz/store", "")->body.find("etcd unreachable"), std::string::npos);
  EXPECT_NE(r1.Call("GET", r1.port, "/metrics", "")->body.find("kubeiam_store_up{store=\"etcd\"} 0"), std::string::npos);

  for (int m = 0; m < 3; ++m) etcd_->Restart(m);
  ASSERT_TRUE(etcd_->Healthy(0));
  EXPECT_TRUE(Within(10000, [&] { return CreateEntry(r2, "arn:aws:iam::111122223333:user/testuser2", "later").exit_code == 0; }));
  ASSERT_EQ(testing::Run({KUBEIAM_BINARY, "access-entry", "update", "--endpoint-url", r2.Url(r2.eks, ""), "--cluster-name", "demo",
                          "--principal-arn", "arn:aws:iam::111122223333:user/testuser", "--kubernetes-groups", "after"},
                         Env(kViewerKey, kViewerSecret, r2)).exit_code, 0);
  EXPECT_TRUE(Within(3000, [&] { return AuthenticatesInto(r3, Token(r3, kUserKey, kUserSecret), "after"); }))
      << "replica 3 caught up with no restart";
  EXPECT_TRUE(Within(3000, [&] { return r1.Call("GET", r1.port, "/readyz/store", "")->status == 200; }));
  std::string metrics = r1.Call("GET", r1.port, "/metrics", "")->body;
  EXPECT_NE(metrics.find("kubeiam_store_up{store=\"etcd\"} 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("kubeiam_store_write_duration_seconds_count{store=\"etcd\",outcome=\"committed\"}"), std::string::npos);
  EXPECT_TRUE(Within(3000, [&] {
    return r1.Call("GET", r1.port, "/metrics", "")->body.find("kubeiam_store_watch_reconnects_total 0\n") == std::string::npos;
  })) << "the watch was opened again";
}

// A replica whose only etcd member is cut off while the others commit and compact the history
// it would resume from: when the member returns, the replica reloads and serves the change.
TEST_F(Replicas, CompactionWhileAReplicaIsDisconnectedReloadsIt) {
  Replica lonely;
  Start(lonely, "r4", {2});
  std::string token = Token(lonely, kUserKey, kUserSecret);
  ASSERT_EQ(CreateEntry(replicas_[0], "arn:aws:iam::111122223333:user/testuser", "before").exit_code, 0);
  ASSERT_TRUE(Within(1000, [&] { return AuthenticatesInto(lonely, token, "before"); }));
  etcd_->Stop(2);
  ASSERT_EQ(testing::Run({KUBEIAM_BINARY, "access-entry", "update", "--endpoint-url", replicas_[0].Url(replicas_[0].eks, ""),
                          "--cluster-name", "demo", "--principal-arn", "arn:aws:iam::111122223333:user/testuser",
                          "--kubernetes-groups", "after"},
                         Env(kViewerKey, kViewerSecret, replicas_[0])).exit_code, 0);
  for (int i = 0; i < 5; ++i) CreateEntry(replicas_[0], "arn:aws:iam::111122223333:role/filler" + std::to_string(i), "x");
  auto rev = http::Fetch({.method = "POST", .url = etcd_->url(0) + "/v3/kv/range", .body = R"({"key":"AA=="})"});
  ASSERT_TRUE(rev && rev->status == 200);
  std::string revision(boost::json::parse(rev->body).at("header").at("revision").as_string());
  auto compacted = http::Fetch({.method = "POST", .url = etcd_->url(0) + "/v3/kv/compaction",
                                .body = R"({"revision":")" + revision + R"(","physical":true})"});
  ASSERT_TRUE(compacted && compacted->status == 200) << (compacted ? compacted->body : "");
  EXPECT_TRUE(AuthenticatesInto(lonely, token, "before")) << "cut off: the last snapshot serves";
  etcd_->Restart(2);
  EXPECT_TRUE(Within(10000, [&] { return AuthenticatesInto(lonely, token, "after"); })) << "the replica never reloaded";
}

// kill -9 of a replica in the middle of a stream of creates: every create it acknowledged is in
// etcd (read through another replica).
TEST_F(Replicas, AReplicaKilledMidWriteLostNothingAcknowledged) {
  Replica& victim = replicas_[0];
  std::string token = Token(victim, kViewerKey, kViewerSecret);
  std::vector<std::string> acknowledged;  // the writer's until it ends
  std::atomic<size_t> count{0};
  std::atomic<bool> ended{false};
  std::thread writer([&] {
    for (int i = 0; i < 100000; ++i) {
      std::string name = "cm-" + std::to_string(i);
      auto r = victim.Call("POST", victim.api, "/api/v1/namespaces/default/configmaps",
                           R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" + name + R"("}})", token);
      if (!r) break;  // the replica is gone
      if (r->status == 201) acknowledged.push_back(name), ++count;
    }
    ended = true;
  });
  EXPECT_TRUE(Within(10000, [&] { return count.load() >= 20 || ended.load(); }));
  victim.process->Signal(SIGKILL);
  writer.join();
  victim.process->Stop();
  ASSERT_GE(acknowledged.size(), 20u);
  const Replica& reader = replicas_[1];
  std::string reader_token = Token(reader, kViewerKey, kViewerSecret);
  for (const auto& name : acknowledged) {
    auto r = reader.Call("GET", reader.api, "/api/v1/namespaces/default/configmaps/" + name, "", reader_token);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << name << " was acknowledged and lost";
  }
}

}  // namespace
}  // namespace kubeiam
