// spec/authenticator.md §6.2: the verifier against an STS stand-in (sts.endpoint pointing at a
// loopback TLS server), and §6.11's handler rows through Authenticator::Handle.
#include "server/authenticator.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "support/fake_http_server.h"
#include "support/temp_dir.h"
#include "token/generate.h"
#include "util/encoding.h"

namespace kubeiam::server {
namespace {

using testing::CannedResponse;
using testing::SeenRequest;

std::string Json(const std::string& arn, const std::string& account, const std::string& user_id) {
  return R"({"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Arn":")" + arn + R"(","Account":")" + account +
         R"(","UserId":")" + user_id + R"("},"ResponseMetadata":{"RequestId":"r"}}})";
}

class Verifier : public ::testing::Test {
 public:
  void SetUp() override {
    ASSERT_TRUE(testing::MakeSelfSignedCert(dir.path()));
    sts = std::make_unique<testing::FakeHttpServer>(
        [this](const SeenRequest&) {
          std::lock_guard<std::mutex> l(mu);
          return answer;
        },
        dir.path() + "/cert.pem", dir.path() + "/key.pem");
  }
  std::unique_ptr<Authenticator> Make(std::string endpoint = "") {
    config::Config c;
    c.cluster_id = "test-cluster";
    c.sts_endpoint = endpoint.empty() ? sts->url() : endpoint;
    c.sts_ca_file = dir.path() + "/cert.pem";
    c.map_roles = {{"arn:aws:iam::0123456789012:role/Test", std::nullopt, "TestUser", {"sys:admin", "listers"}, ""}};
    c.map_accounts = {"444455556666"};
    auto a = Authenticator::Create(c, nullptr);
    EXPECT_TRUE(a.has_value()) << a.error().message;
    return std::move(*a);
  }
  // A structurally valid token for a real STS host, signed just now; each call a different one
  // (another session token), so the verified-token cache does not answer for STS.
  static std::string Token() {
    static int n = 0;
    aws::Credentials creds{"ASIABCDEFGHIJKLMNOPQ", "secret", "session-" + std::to_string(n++), std::nullopt, "t"};
    return token::Generate("test-cluster", creds, "https://sts.us-west-2.amazonaws.com", "us-west-2", Clock::now())->value;
  }
  void Answer(int status, std::string body) {
    std::lock_guard<std::mutex> l(mu);
    answer = {status, std::move(body), "application/json"};
  }
  testing::TempDir dir;
  std::mutex mu;
  CannedResponse answer;
  std::unique_ptr<testing::FakeHttpServer> sts;
};

TEST_F(Verifier, SendsTheTokenToTheConfiguredEndpointKeepingItsHost) {
  Answer(200, Json("arn:aws:sts::0123456789012:assumed-role/Test/extra", "0123456789012", "Test:session-name"));
  auto a = Make();
  auto id = a->Verify(Token(), Clock::now());
  ASSERT_TRUE(id.has_value()) << id.error().message;
  EXPECT_EQ(id->canonical_arn, "arn:aws:iam::0123456789012:role/Test");
  EXPECT_EQ(id->access_key_id, "ASIABCDEFGHIJKLMNOPQ");
  EXPECT_EQ(id->session_name, "session-name");
  auto seen = sts->requests().at(0);
  EXPECT_EQ(seen.method, "GET");
  EXPECT_EQ(seen.Header("Host"), "sts.us-west-2.amazonaws.com");
  EXPECT_EQ(seen.Header("x-k8s-aws-id"), "test-cluster");
  EXPECT_EQ(seen.Header("Accept"), "application/json");
  EXPECT_TRUE(seen.target.starts_with("/?Action=GetCallerIdentity&"));
  // Cached: the same token does not go to STS again.
  std::string t = Token();
  EXPECT_TRUE(a->Verify(t, Clock::now()).has_value());
  EXPECT_TRUE(a->Verify(t, Clock::now()).has_value());
  EXPECT_EQ(sts->requests().size(), 2u);  // one per distinct token
}

TEST_F(Verifier, StsInteractionRows) {
  struct Row {
    int status;
    std::string body;
    ErrorCode code;
    std::string expected;
  };
  const Row rows[] = {
      {400, R"({"Error":{"Code":"Throttling","Message":"Rate exceeded"}})", ErrorCode::kThrottled,
       "sts getCallerIdentity was throttled"},
      {403, " ", ErrorCode::kUpstream, "error from AWS (expected 200, got 403)"},
      {500, "<ErrorResponse><Error><Code>InternalFailure</Code></Error></ErrorResponse>", ErrorCode::kUpstream,
       "error from AWS (expected 200, got 500)"},
      {503, "", ErrorCode::kUpstream, "error from AWS (expected 200, got 503)"},
      // A peer that echoes the request: no signature reaches the error text.
      {403, "denied: /?Action=GetCallerIdentity&X-Amz-Signature=0123456789abcdef0123", ErrorCode::kUpstream,
       "&X-Amz-Signature=REDACTED"},
      {302, "moved", ErrorCode::kUpstream, "error from AWS (expected 200, got 302)"},
      {200, "xxxx", ErrorCode::kUpstream, "sts getCallerIdentity failed"},
      {200, Json("arn", "1000", "userid"), ErrorCode::kUpstream, "arn 'arn' is invalid:"},
      {200, Json("arn:aws:iam::123456789012:role/Alice", "123456789012", "not:vailid:userid"), ErrorCode::kUpstream,
       "malformed UserID"},
  };
  for (const auto& r : rows) {
    Answer(r.status, r.body);
    auto a = Make();
    std::string t = Token();
    auto id = a->Verify(t, Clock::now());
    ASSERT_FALSE(id.has_value()) << r.body;
    EXPECT_EQ(id.error().code, r.code) << r.body;
    EXPECT_NE(id.error().message.find(r.expected), std::string::npos) << id.error().message;
    // Failures are not cached: once STS answers, the same token verifies.
    Answer(200, Json("arn:aws:iam::123456789012:user/Alice", "123456789012", "Alice"));
    EXPECT_TRUE(a->Verify(t, Clock::now()).has_value());
  }
}

TEST_F(Verifier, TransportError) {
  auto a = Make("https://127.0.0.1:1");
  auto id = a->Verify(Token(), Clock::now());
  ASSERT_FALSE(id.has_value());
  EXPECT_NE(id.error().message.find("error during GET"), std::string::npos) << id.error().message;
}

// A slow STS holds at most sts.maxInFlight handler threads; the next verification fails at once
// with 429's error kind instead of queueing behind it.
TEST(StsBound, CallsBeyondTheBoundAreShedAtOnce) {
  testing::TempDir dir;
  ASSERT_TRUE(testing::MakeSelfSignedCert(dir.path()));
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  testing::FakeHttpServer slow(
      [&](const SeenRequest&) {
        std::unique_lock<std::mutex> l(mu);
        cv.wait(l, [&] { return release; });
        return CannedResponse{503, "{}", "application/json"};
      },
      dir.path() + "/cert.pem", dir.path() + "/key.pem");
  config::Config c;
  c.cluster_id = "test-cluster";
  c.sts_endpoint = slow.url();
  c.sts_ca_file = dir.path() + "/cert.pem";
  c.sts_max_in_flight = 1;
  auto a = Authenticator::Create(c, nullptr);
  ASSERT_TRUE(a.has_value()) << a.error().message;
  std::thread waiting([&] { (void)(*a)->Verify(Verifier::Token(), Clock::now()); });
  // The first call is in flight once the stand-in has seen it.
  for (int i = 0; i < 200 && slow.requests().empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  auto shed = (*a)->Verify(Verifier::Token(), Clock::now());
  ASSERT_FALSE(shed.has_value());
  EXPECT_EQ(shed.error().code, ErrorCode::kThrottled);
  EXPECT_NE(shed.error().message.find("sts.maxInFlight"), std::string::npos) << shed.error().message;
  {
    std::lock_guard<std::mutex> l(mu);
    release = true;
  }
  cv.notify_all();
  waiting.join();
  EXPECT_NE((*a)->metrics().Render().find("kubeiam_sts_calls_shed_total 1"), std::string::npos);
}

// A slow EC2 ({{EC2PrivateDNSName}}) is bounded like STS: past sts.maxInFlight waiting lookups,
// mapping fails at once as throttled, and /authenticate answers 429.
TEST(Ec2Bound, LookupsBeyondTheBoundAreShedAtOnce) {
  testing::TempDir dir;
  testing::ScopedEnv env;
  env.Isolate(dir.path()).Set("AWS_ACCESS_KEY_ID", "AKIDSERVER").Set("AWS_SECRET_ACCESS_KEY", "server-secret");
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  testing::FakeHttpServer ec2([&](const SeenRequest&) {
    std::unique_lock<std::mutex> l(mu);
    cv.wait(l, [&] { return release; });
    return CannedResponse{503, "busy"};
  });
  config::Config c;
  c.cluster_id = "test-cluster";
  c.sts_endpoint = "https://127.0.0.1:9";
  c.region = "us-east-1";
  c.ec2_endpoint = ec2.url();
  c.sts_max_in_flight = 1;
  c.map_roles = {{"arn:aws:iam::0123456789012:role/TestNodeRole", std::nullopt, "system:node:{{EC2PrivateDNSName}}",
                  {"system:nodes"}, ""}};
  auto a = *Authenticator::Create(c, nullptr);
  auto node = [](const std::string& instance) {
    return *identity::BuildIdentity("arn:aws:sts::0123456789012:assumed-role/TestNodeRole/" + instance, "0123456789012",
                                    "AROANODE:" + instance, "ASIANODE", "sts.amazonaws.com");
  };
  std::thread waiting([&] { (void)a->Map(node("i-0000000000000000a")); });
  for (int i = 0; i < 200 && ec2.requests().empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  auto shed = a->Map(node("i-0000000000000000b"));
  ASSERT_FALSE(shed.has_value());
  EXPECT_EQ(shed.error().code, ErrorCode::kThrottled) << shed.error().message;
  EXPECT_NE(shed.error().message.find("sts.maxInFlight"), std::string::npos) << shed.error().message;
  {
    std::lock_guard<std::mutex> l(mu);
    release = true;
  }
  cv.notify_all();
  waiting.join();
}

// An emptied or removed access-entries file keeps the entries it last held; `[]` empties it.
TEST(SourceFiles, OnlyAWellFormedDocumentEmptiesASource) {
  testing::TempDir dir;
  std::string path = dir.Write("entries.yaml", R"(
- principalArn: arn:aws:iam::111122223333:user/viewer
  kubernetesGroups: [viewers]
)");
  config::Config c;
  c.cluster_id = "test-cluster";
  c.access_entries_file = path;
  c.authentication_mode = eks::AuthenticationMode::kApiAndConfigMap;
  auto a = Authenticator::Create(c, nullptr);
  ASSERT_TRUE(a.has_value()) << a.error().message;
  auto viewer = identity::IdentityFromArn("arn:aws:iam::111122223333:user/viewer");
  ASSERT_TRUE(viewer.has_value());
  ASSERT_TRUE((*a)->Map(*viewer).has_value());
  auto reload = [&](const std::string& text) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a new modification time
    dir.Write("entries.yaml", text);
    return (*a)->ReloadIfChanged();
  };
  auto emptied = reload("  \n");
  ASSERT_FALSE(emptied.has_value());
  EXPECT_NE(emptied.error().message.find("the file is empty; the last good state is kept"), std::string::npos);
  EXPECT_TRUE((*a)->Map(*viewer).has_value());
  std::filesystem::remove(path);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE((*a)->ReloadIfChanged().has_value());
  EXPECT_TRUE((*a)->Map(*viewer).has_value());
  EXPECT_TRUE(reload("[]\n").has_value());
  EXPECT_FALSE((*a)->Map(*viewer).has_value());
  // A source that cannot be read at start (here a folder) is an error naming it, not an empty source.
  config::Config unreadable = c;
  unreadable.access_entries_file = dir.path();
  auto refused = Authenticator::Create(unreadable, nullptr);
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find(dir.path()), std::string::npos) << refused.error().message;
}

TEST_F(Verifier, Ec2PrivateDnsNameFromDescribeInstances) {
  testing::ScopedEnv env;
  env.Isolate(dir.path()).Set("AWS_ACCESS_KEY_ID", "AKIDSERVER").Set("AWS_SECRET_ACCESS_KEY", "server-secret");
  testing::FakeHttpServer ec2([](const SeenRequest& r) {
    if (r.body.find("InstanceId.1=i-0c6f21bf1f24f9708") == std::string::npos) return CannedResponse{400, "bad"};
    return CannedResponse{200, "<DescribeInstancesResponse><reservationSet><item><instancesSet><item><instanceId>"
                               "i-0c6f21bf1f24f9708</instanceId><privateDnsName>ip-172-31-27-14</privateDnsName></item>"
                               "</instancesSet></item></reservationSet></DescribeInstancesResponse>"};
  });
  config::Config c;
  c.cluster_id = "test-cluster";
  c.sts_endpoint = sts->url();
  c.sts_ca_file = dir.path() + "/cert.pem";
  c.region = "us-east-1";
  c.ec2_endpoint = ec2.url();
  c.map_roles = {{"arn:aws:iam::0123456789012:role/TestNodeRole", std::nullopt, "system:node:{{EC2PrivateDNSName}}",
                  {"system:nodes", "system:bootstrappers"}, ""}};
  auto a = *Authenticator::Create(c, nullptr);
  Answer(200, Json("arn:aws:sts::0123456789012:assumed-role/TestNodeRole/i-0c6f21bf1f24f9708", "0123456789012",
                   "AROANODE:i-0c6f21bf1f24f9708"));
  auto id = a->Verify(Token(), Clock::now());
  ASSERT_TRUE(id.has_value()) << id.error().message;
  auto user = a->Map(*id);
  ASSERT_TRUE(user.has_value()) << user.error().message;
  EXPECT_EQ(user->username, "system:node:ip-172-31-27-14");
  EXPECT_NE(ec2.requests().at(0).Header("Authorization").find("Credential=AKIDSERVER/"), std::string::npos);
}

TEST_F(Verifier, HandlerRows) {
  auto a = Make();
  auto post = [&](const std::string& body) {
    return a->Handle({"POST", "/authenticate", {}, body, "127.0.0.1:1"});
  };
  auto review = [&](const std::string& token) { return post(R"({"spec":{"token":")" + token + R"("}})"); };
  EXPECT_EQ(a->Handle({"GET", "/authenticate", {}, "", ""}).status, 405);
  EXPECT_EQ(post("").status, 400);
  EXPECT_EQ(post("not valid json").status, 400);
  EXPECT_EQ(review("garbage").status, 403);
  Answer(400, R"({"Error":{"Code":"Throttling"}})");
  EXPECT_EQ(review(Token()).status, 429);
  Answer(403, "denied");
  EXPECT_EQ(review(Token()).status, 403);
  Answer(200, Json("arn:aws:iam::0123456789012:role/Test", "0123456789012", "Test:TestSession"));
  http::HttpResponse ok = review(Token());
  ASSERT_EQ(ok.status, 200) << ok.body;
  auto user = boost::json::parse(ok.body).at("status").at("user").as_object();
  EXPECT_EQ(user.at("username").as_string(), "TestUser");
  EXPECT_EQ(user.at("uid").as_string(), "aws-iam-authenticator:0123456789012:Test");
  Answer(200, Json("arn:aws:iam::444455556666:user/Test", "444455556666", "AIDATEST"));
  auto by_account = boost::json::parse(review(Token()).body).at("status").at("user").as_object();
  EXPECT_EQ(by_account.at("username").as_string(), "arn:aws:iam::444455556666:user/Test");
  EXPECT_FALSE(by_account.contains("groups"));
  Answer(200, Json("arn:aws:iam::999999999999:user/Nobody", "999999999999", "AIDANOBODY"));
  EXPECT_EQ(review(Token()).status, 403);
  std::string metrics = a->Handle({"GET", "/metrics", {}, "", ""}).body;
  for (const char* result : {"malformed_request", "invalid_token", "sts_throttling", "sts_error", "uknown_user", "success"}) {
    EXPECT_NE(metrics.find(std::string("result=\"") + result + "\""), std::string::npos) << result;
  }
}

// POST /authorize with authorization.webhook: full — the whole chain for API servers that leave
// authorization to kubeiam; and the RBAC manifests reloading into the same snapshot.
TEST(AuthorizeWebhook, FullChainReadsRbacFromTheSnapshot) {
  testing::TempDir dir;
  std::string rbac = dir.Write("rbac/r.yaml", R"(apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs-view, namespace: dev}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: Group, name: devs}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb-allsa}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: Group, name: system:serviceaccounts}]
)");
  dir.Write("entries.yaml", R"(- principalArn: arn:aws:iam::111122223333:role/Ops
  associatedAccessPolicies:
  - {policyArn: AmazonEKSClusterAdminPolicy, accessScope: {type: cluster}}
)");
  config::Config c;
  c.cluster_id = "demo";
  c.sts_endpoint = "https://127.0.0.1:9";
  c.access_entries_file = dir.path() + "/entries.yaml";
  c.authentication_mode = eks::AuthenticationMode::kApi;
  c.authorization_rbac = dir.path() + "/rbac";
  c.authorization_webhook = config::Config::WebhookChain::kFull;
  auto a = Authenticator::Create(c, nullptr);
  ASSERT_TRUE(a) << a.error().message;
  auto ask = [&](const std::string& spec) {
    auto r = (*a)->Handle({"POST", "/authorize", {}, R"({"apiVersion":"authorization.k8s.io/v1","spec":)" + spec + "}", ""});
    EXPECT_EQ(r.status, 200) << r.body;
    return boost::json::parse(r.body).at("status").as_object();
  };
  auto rbac_yes = ask(R"({"user":"jo","groups":["devs"],"resourceAttributes":{"verb":"list","resource":"pods","namespace":"dev"}})");
  EXPECT_TRUE(rbac_yes.at("allowed").as_bool());
  EXPECT_NE(std::string(rbac_yes.at("reason").as_string()).find("RoleBinding \"devs-view/dev\""), std::string::npos);
  EXPECT_FALSE(ask(R"({"user":"jo","groups":["devs"],"resourceAttributes":{"verb":"list","resource":"pods","namespace":"x"}})")
                   .at("allowed").as_bool());
  // KC14: a review's groups are taken as sent, none implied for a service-account username.
  EXPECT_FALSE(ask(R"({"user":"system:serviceaccount:a:b","resourceAttributes":{"verb":"get","resource":"pods","namespace":"a"}})")
                   .at("allowed").as_bool());
  EXPECT_TRUE(ask(R"({"user":"system:serviceaccount:a:b","groups":["system:serviceaccounts"],
                      "resourceAttributes":{"verb":"get","resource":"pods","namespace":"a"}})")
                  .at("allowed").as_bool());
  EXPECT_TRUE(ask(R"({"user":"root","groups":["system:masters"],"nonResourceAttributes":{"verb":"get","path":"/x"}})")
                  .at("allowed").as_bool());
  // The access entry's policy, found from extra as /authenticate wrote it.
  auto ops = ask(R"({"user":"arn:aws:sts::111122223333:assumed-role/Ops/s","uid":"aws-iam-authenticator:111122223333:AROAOPS",
                     "extra":{"arn":["arn:aws:sts::111122223333:assumed-role/Ops/s"],"principalId":["AROAOPS"],"sessionName":["s"]},
                     "resourceAttributes":{"verb":"delete","resource":"nodes"}})");
  EXPECT_TRUE(ops.at("allowed").as_bool());
  EXPECT_EQ(ops.at("reason").as_string(), "allowed by access policy AmazonEKSClusterAdminPolicy (cluster scope)");
  auto forged = ask(R"({"user":"arn:aws:sts::111122223333:assumed-role/Ops/s","uid":"aws-iam-authenticator:111122223333:OTHER",
                        "extra":{"arn":["arn:aws:sts::111122223333:assumed-role/Ops/s"],"principalId":["AROAOPS"]},
                        "resourceAttributes":{"verb":"delete","resource":"nodes"}})");
  EXPECT_FALSE(forged.at("allowed").as_bool()) << "uid and extra disagree";
  // An RBAC edit reaches the next decision through a reload.
  dir.Write("rbac/r.yaml", "");
  ASSERT_TRUE((*a)->ReloadIfChanged());
  EXPECT_FALSE(ask(R"({"user":"jo","groups":["devs"],"resourceAttributes":{"verb":"list","resource":"pods","namespace":"dev"}})")
                   .at("allowed").as_bool());
}

}  // namespace
}  // namespace kubeiam::server
