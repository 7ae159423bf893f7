// `kubeiam serve` end to end: the real binary with its embedded local STS on loopback, tokens
// from `kubeiam token`, awscli and hand-made hostile ones, TokenReview v1 and v1beta1 over TLS.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <csignal>
#include <thread>

#include "http/client.h"
#include "integration/cli_runner.h"
#include "support/fake_http_server.h"
#include "support/paths.h"
#include "support/raw_exchange.h"
#include "support/temp_dir.h"
#include "token/generate.h"
#include "util/encoding.h"

namespace kubeiam {
namespace {

using testing::Outcome;
using testing::TempDir;

constexpr char kUserKey[] = "AKIAEXAMPLETESTUSER1";
constexpr char kUserSecret[] = "kubeiamExampleSecretKeyDoNotUseAnywhere0";

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class Serve : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    port_ = testing::FreePort();
    sts_port_ = testing::FreePort();
    std::string examples = std::string(KUBEIAM_TEST_DIR) + "/../examples/local";
    std::filesystem::copy_file(examples + "/principals.yaml", dir_->path() + "/principals.yaml");
    std::filesystem::copy_file(examples + "/aws-auth.yaml", dir_->path() + "/aws-auth.yaml");
    std::filesystem::copy_file(examples + "/access-entries.yaml", dir_->path() + "/access-entries.yaml");
    std::filesystem::copy(examples + "/rbac", dir_->path() + "/rbac");
    std::string config = Slurp(examples + "/config.yaml");
    auto replace = [&](const std::string& from, const std::string& to) { config.replace(config.find(from), from.size(), to); };
    replace("port: 21362", "port: " + std::to_string(port_));
    replace("port: 21364", "port: " + std::to_string(sts_port_));
    replace("stateDir: ../../state", "stateDir: ./state");
    dir_->Write("config.yaml", config);
    server_ = new testing::Process({KUBEIAM_BINARY, "serve", "--config", dir_->path() + "/config.yaml"},
                                   {{"PATH", "/usr/bin:/bin"}}, dir_->path() + "/serve.log");
    for (int i = 0; i < 100; ++i) {
      auto r = http::Fetch({.url = Url("/healthz"), .timeout = std::chrono::milliseconds(500), .ca_file = Ca()});
      if (r && r->status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "server did not start: " << Slurp(dir_->path() + "/serve.log");
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->Stop(), 0);  // SIGTERM drains and exits cleanly
    delete server_;
    delete dir_;
  }

  static std::string Url(const std::string& path) { return "https://127.0.0.1:" + std::to_string(port_) + path; }
  static std::string Ca() { return dir_->path() + "/state/ca.crt"; }
  static std::string StsUrl() { return "https://127.0.0.1:" + std::to_string(sts_port_); }

  std::map<std::string, std::string> Env(const std::string& key, const std::string& secret) const {
    return {{"HOME", dir_->path()},
            {"AWS_EC2_METADATA_DISABLED", "true"},
            {"AWS_CONFIG_FILE", "/dev/null"},
            {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"},
            {"AWS_ACCESS_KEY_ID", key},
            {"AWS_SECRET_ACCESS_KEY", secret},
            {"AWS_CA_BUNDLE", Ca()},
            {"AWS_DEFAULT_REGION", "us-east-1"},
            {"HTTPS_PROXY", "http://127.0.0.1:9"},
            {"NO_PROXY", "127.0.0.1,localhost"}};
  }

  std::string Token(const std::vector<std::string>& extra, const std::string& key = kUserKey,
                    const std::string& secret = kUserSecret) const {
    std::vector<std::string> argv = {KUBEIAM_BINARY, "token", "-i", "demo", "--sts-endpoint", StsUrl(), "--token-only"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    Outcome o = testing::Run(argv, Env(key, secret));
    EXPECT_EQ(o.exit_code, 0) << o.err;
    return std::string(o.out.substr(0, o.out.find('\n')));
  }

  struct Review {
    int status = 0;
    boost::json::object doc;
    bool authenticated() const { return doc.at("status").as_object().contains("authenticated") &&
                                        doc.at("status").at("authenticated").as_bool(); }
    std::string username() const { return doc.at("status").at("user").as_object().contains("username")
                                              ? std::string(doc.at("status").at("user").at("username").as_string())
                                              : ""; }
    std::string error() const { return doc.at("status").as_object().contains("error")
                                           ? std::string(doc.at("status").at("error").as_string()) : ""; }
  };

  Review Post(const std::string& token, const std::string& version = "authentication.k8s.io/v1") const {
    std::string body = R"({"apiVersion":")" + version + R"(","kind":"TokenReview","spec":{"token":")" + token + R"("}})";
    auto r = http::Fetch({.method = "POST", .url = Url("/authenticate"), .headers = {{"Content-Type", "application/json"}},
                          .body = body, .ca_file = Ca()});
    EXPECT_TRUE(r.has_value());
    Review out;
    out.status = r->status;
    out.doc = boost::json::parse(r->body).as_object();
    return out;
  }

  static TempDir* dir_;
  static testing::Process* server_;
  static int port_, sts_port_;
};

TempDir* Serve::dir_ = nullptr;
testing::Process* Serve::server_ = nullptr;
int Serve::port_ = 0;
int Serve::sts_port_ = 0;

TEST_F(Serve, MappedUserInBothTokenReviewVersions) {
  std::string t = Token({});
  Review v1 = Post(t);
  EXPECT_EQ(v1.status, 200);
  EXPECT_TRUE(v1.authenticated());
  EXPECT_EQ(v1.username(), "testuser");
  EXPECT_EQ(v1.doc.at("apiVersion").as_string(), "authentication.k8s.io/v1");
  EXPECT_EQ(v1.doc.at("status").at("user").at("uid").as_string(), "aws-iam-authenticator:111122223333:AIDAEXAMPLETESTUSER1");
  Review beta = Post(t, "authentication.k8s.io/v1beta1");
  EXPECT_EQ(beta.status, 200);
  EXPECT_EQ(beta.doc.at("apiVersion").as_string(), "authentication.k8s.io/v1beta1");
}

TEST_F(Serve, RoleWithSessionNameTemplate) {
  Review r = Post(Token({"--role", "arn:aws:iam::111122223333:role/KubernetesAdmin", "--session-name", "alice"}));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.username(), "admin:alice");
  EXPECT_EQ(r.doc.at("status").at("user").at("groups").as_array()[0].as_string(), "system:masters");
  EXPECT_EQ(r.doc.at("status").at("user").at("extra").at("sessionName").as_array()[0].as_string(), "alice");
}

TEST_F(Serve, AccountMappingAndUnmappedPrincipal) {
  Review partner = Post(Token({}, "AKIAEXAMPLEPARTNER01", "kubeiamPartnerSecretKeyDoNotUseAnywhere0"));
  EXPECT_EQ(partner.status, 200);
  EXPECT_EQ(partner.username(), "arn:aws:iam::444455556666:user/partner");
  Review outsider = Post(Token({}, "AKIAEXAMPLEOUTSIDER1", "kubeiamOutsiderSecretKeyDoNotUseAnywhere"));
  EXPECT_EQ(outsider.status, 403);
  EXPECT_FALSE(outsider.authenticated());
  EXPECT_EQ(outsider.error(), "identity is not mapped");
}

TEST_F(Serve, AwsCliTokenAndEc2NodeRole) {
  auto env = Env("AKIAEXAMPLEDEVELOPER", "kubeiamDeveloperSecretKeyDoNotUseAnywhere");
  env["AWS_ENDPOINT_URL_STS"] = StsUrl();
  Outcome probe = testing::Run({"aws", "sts", "get-caller-identity"}, env);
  if (probe.exit_code != 0) GTEST_SKIP() << "this awscli does not honour AWS_ENDPOINT_URL_STS: " << probe.err;
  Outcome o = testing::Run({"aws", "eks", "get-token", "--cluster-name", "demo"}, env);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  std::string t = boost::json::parse(o.out).at("status").at("token").as_string().c_str();
  Review r = Post(t);
  EXPECT_EQ(r.status, 200) << r.error();
  EXPECT_EQ(r.username(), "developer");  // from aws-auth, a user with a path

  // A node: awscli assumes NodeRole with the instance ID as session name; the username template
  // resolves the instance's private DNS name.
  Outcome creds = testing::Run({"aws", "sts", "assume-role", "--endpoint-url", StsUrl(), "--role-arn",
                                "arn:aws:iam::111122223333:role/NodeRole", "--role-session-name", "i-0123456789abcdef0",
                                "--output", "json"},
                               Env(kUserKey, kUserSecret));
  ASSERT_EQ(creds.exit_code, 0) << creds.err;
  auto c = boost::json::parse(creds.out).at("Credentials").as_object();
  auto node_env = Env(std::string(c.at("AccessKeyId").as_string()), std::string(c.at("SecretAccessKey").as_string()));
  node_env["AWS_SESSION_TOKEN"] = std::string(c.at("SessionToken").as_string());
  Outcome node = testing::Run({KUBEIAM_BINARY, "token", "-i", "demo", "--sts-endpoint", StsUrl(), "--token-only"}, node_env);
  ASSERT_EQ(node.exit_code, 0) << node.err;
  Review n = Post(node.out.substr(0, node.out.find('\n')));
  EXPECT_EQ(n.username(), "system:node:ip-10-0-1-23.ec2.internal");
}

TEST_F(Serve, HostileTokensAreRefused) {
  // Another cluster's token: STS (local) refuses the signature because x-k8s-aws-id differs.
  Outcome foreign = testing::Run(
      {KUBEIAM_BINARY, "token", "-i", "another-cluster", "--sts-endpoint", StsUrl(), "--token-only"},
      Env(kUserKey, kUserSecret));
  ASSERT_EQ(foreign.exit_code, 0) << foreign.err;
  Review other = Post(foreign.out.substr(0, foreign.out.find('\n')));
  EXPECT_EQ(other.status, 403);
  EXPECT_NE(other.error().find("SignatureDoesNotMatch"), std::string::npos) << other.error();

  // A tampered signature.
  std::string good = Token({});
  auto url = *Base64UrlDecodeNoPad(good.substr(11));
  size_t sig = url.find("X-Amz-Signature=") + 16;
  url[sig] = url[sig] == '0' ? '1' : '0';
  Review tampered = Post(token::Encode(url));
  EXPECT_EQ(tampered.status, 403);
  EXPECT_NE(tampered.error().find("SignatureDoesNotMatch"), std::string::npos);

  // Signed 20 minutes ago, and 20 minutes ahead.
  aws::Credentials creds{kUserKey, kUserSecret, "", std::nullopt, "test"};
  auto old = token::Generate("demo", creds, StsUrl(), "us-east-1", Clock::now() - std::chrono::minutes(20));
  EXPECT_NE(Post(old->value).error().find("X-Amz-Date parameter is expired"), std::string::npos);
  auto ahead = token::Generate("demo", creds, StsUrl(), "us-east-1", Clock::now() + std::chrono::minutes(20));
  EXPECT_NE(Post(ahead->value).error().find("X-Amz-Date parameter is in the future"), std::string::npos);

  // A host of the token's choosing is never contacted.
  TempDir certs;
  ASSERT_TRUE(testing::MakeSelfSignedCert(certs.path()));
  testing::FakeHttpServer attacker([](const testing::SeenRequest&) { return testing::CannedResponse{200, "{}"}; },
                                   certs.path() + "/cert.pem", certs.path() + "/key.pem");
  for (const std::string& host : {attacker.url(), std::string("https://sts.amazonaws.com"),
                                  "https://127.0.0.1:" + std::to_string(sts_port_ + 1)}) {
    auto t = token::Generate("demo", creds, host, "us-east-1", Clock::now());
    Review r = Post(t->value);
    EXPECT_EQ(r.status, 403) << host;
    EXPECT_NE(r.error().find("unexpected hostname"), std::string::npos) << r.error();
  }
  EXPECT_TRUE(attacker.requests().empty());
}

TEST_F(Serve, AwsAuthEditedWhileRunning) {
  std::string t = Token({}, "AKIAEXAMPLEDEVELOPER", "kubeiamDeveloperSecretKeyDoNotUseAnywhere");
  EXPECT_EQ(Post(t).username(), "developer");
  std::string path = dir_->path() + "/aws-auth.yaml";
  std::string text = Slurp(path);
  std::string edited = text;
  edited.replace(edited.find("username: developer"), 19, "username: renamed-dev");
  dir_->Write("aws-auth.yaml", edited);
  std::string name;
  for (int i = 0; i < 60 && name != "renamed-dev"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    name = Post(t).username();
  }
  EXPECT_EQ(name, "renamed-dev");
  // A broken edit keeps the last good mappings.
  dir_->Write("aws-auth.yaml", "kind: ConfigMap\ndata:\n  mapUsers:\n    - not: a string\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(Post(t).username(), "renamed-dev");
  dir_->Write("aws-auth.yaml", text);
}

TEST_F(Serve, SighupReloadsTheConfig) {
  std::string t = Token({});
  EXPECT_EQ(Post(t).username(), "testuser");
  std::string path = dir_->path() + "/config.yaml";
  std::string original = Slurp(path);
  std::string edited = original;
  edited.replace(edited.find("username: testuser"), 18, "username: renamed-user");
  // A new listener section cannot be applied while running: said, not silently ignored.
  dir_->Write("config.yaml", edited + "kubeAPI:\n  port: " + std::to_string(testing::FreePort()) + "\n");
  server_->Signal(SIGHUP);
  std::string name;
  for (int i = 0; i < 50 && name != "renamed-user"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    name = Post(t).username();
  }
  EXPECT_EQ(name, "renamed-user");
  EXPECT_NE(Slurp(dir_->path() + "/serve.log").find("kubeAPI changed; it takes effect after a restart"), std::string::npos);
  // A broken config is refused and the running one stays.
  dir_->Write("config.yaml", "clusterID: demo\nserver:\n  port: nope\n");
  server_->Signal(SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(Post(t).username(), "renamed-user");
  EXPECT_TRUE(server_->running());
  dir_->Write("config.yaml", original);
  server_->Signal(SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_NE(Slurp(dir_->path() + "/serve.log").find("SIGHUP: config not reloaded"), std::string::npos);
}

TEST_F(Serve, HttpContract) {
  auto get = http::Fetch({.url = Url("/authenticate"), .ca_file = Ca()});
  EXPECT_EQ(get->status, 405);
  EXPECT_NE(get->body.find("expected POST"), std::string::npos);
  auto empty = http::Fetch({.method = "POST", .url = Url("/authenticate"), .ca_file = Ca()});
  EXPECT_EQ(empty->status, 400);
  EXPECT_NE(empty->body.find("expected a request body"), std::string::npos);
  auto junk = http::Fetch({.method = "POST", .url = Url("/authenticate"), .body = "not valid json", .ca_file = Ca()});
  EXPECT_EQ(junk->status, 400);
  EXPECT_NE(junk->body.find("expected a request body to be a TokenReview"), std::string::npos);
  auto bad = Post("k8s-aws-v2.nope");
  EXPECT_EQ(bad.status, 403);
  EXPECT_EQ(http::Fetch({.url = Url("/healthz"), .ca_file = Ca()})->body, "ok\n");
  EXPECT_EQ(http::Fetch({.url = Url("/nope"), .ca_file = Ca()})->status, 404);
  auto metrics = http::Fetch({.url = Url("/metrics"), .ca_file = Ca()});
  EXPECT_NE(metrics->body.find("aws_iam_authenticator_authenticate_latency_seconds_count{result=\"malformed_request\"}"),
            std::string::npos);
  // Tokens never reach the log.
  EXPECT_EQ(Post(Token({})).status, 200);
  std::string log = Slurp(dir_->path() + "/serve.log");
  EXPECT_EQ(log.find("k8s-aws-v1.aHR0c"), std::string::npos);  // base64 of "https://..."
  EXPECT_NE(log.find("\"decision\":\"allow\""), std::string::npos);
}

// POST /authorize: kube-apiserver's SubjectAccessReview for the authorizer webhook, answered
// with the access policies of the entry that authenticated the user (spec/eks-access.md §4.2).
TEST_F(Serve, AuthorizeWebhookUsesTheAccessEntrysPolicies) {
  Review viewer = Post(Token({}, "AKIAEXAMPLEVIEWER001", "kubeiamViewerSecretKeyDoNotUseAnywhere00"));
  ASSERT_EQ(viewer.status, 200) << viewer.error();
  EXPECT_EQ(viewer.username(), "arn:aws:iam::111122223333:user/viewer");
  const auto& user = viewer.doc.at("status").at("user").as_object();
  // The SubjectAccessReview the API server would send: the user as authenticated, plus the request.
  auto sar = [&](const std::string& verb, const std::string& resource, const std::string& ns, bool with_extra = true,
                 const std::string& version = "authorization.k8s.io/v1") {
    boost::json::object spec{{"user", user.at("username")}, {"uid", user.at("uid")},
                             {version.ends_with("v1beta1") ? "group" : "groups", user.at("groups")},
                             {"resourceAttributes", boost::json::object{{"verb", verb}, {"resource", resource},
                                                                        {"namespace", ns}, {"version", "v1"}}}};
    if (with_extra) spec["extra"] = user.at("extra");
    boost::json::object body{{"apiVersion", version}, {"kind", "SubjectAccessReview"}, {"spec", spec}};
    auto r = http::Fetch({.method = "POST", .url = Url("/authorize"), .headers = {{"Content-Type", "application/json"}},
                          .body = boost::json::serialize(body), .ca_file = Ca()});
    EXPECT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 200) << r->body;
    return boost::json::parse(r->body).as_object();
  };
  auto allowed = [](const boost::json::object& review) { return review.at("status").at("allowed").as_bool(); };
  auto yes = sar("get", "pods", "dev-a");
  EXPECT_TRUE(allowed(yes));
  EXPECT_EQ(yes.at("status").at("reason").as_string(), "allowed by access policy AmazonEKSViewPolicy (namespace scope: dev-*)");
  EXPECT_EQ(yes.at("apiVersion").as_string(), "authorization.k8s.io/v1");
  EXPECT_FALSE(allowed(sar("get", "pods", "prod")));
  EXPECT_FALSE(allowed(sar("get", "secrets", "dev-a")));
  EXPECT_FALSE(allowed(sar("list", "nodes", "")));
  auto beta = sar("list", "pods", "dev-b", true, "authorization.k8s.io/v1beta1");
  EXPECT_TRUE(allowed(beta));
  EXPECT_EQ(beta.at("apiVersion").as_string(), "authorization.k8s.io/v1beta1");
  // An impersonated request carries someone else's identity and no extra: no policies.
  auto impersonated = sar("get", "pods", "dev-a", false);
  EXPECT_FALSE(allowed(impersonated));
  EXPECT_FALSE(impersonated.at("status").as_object().contains("denied")) << "no opinion, never deny";

  // Associating ClusterAdmin in the file reaches the running server.
  std::string path = dir_->path() + "/access-entries.yaml";
  std::string original = Slurp(path);
  dir_->Write("access-entries.yaml", original + "  - policyArn: arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy\n"
                                                "    accessScope: {type: cluster}\n");
  bool nodes = false;
  for (int i = 0; i < 60 && !nodes; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    nodes = allowed(sar("list", "nodes", ""));
  }
  EXPECT_TRUE(nodes);
  // A broken edit keeps the last good entries.
  dir_->Write("access-entries.yaml", "- principalArn: arn:aws:sts::111122223333:assumed-role/x/y\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_TRUE(allowed(sar("list", "nodes", "")));
  EXPECT_NE(Slurp(dir_->path() + "/serve.log").find("The principalArn parameter format is not valid"), std::string::npos);
  dir_->Write("access-entries.yaml", original);
  for (int i = 0; i < 60 && nodes; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    nodes = allowed(sar("list", "nodes", ""));
  }
  EXPECT_FALSE(nodes);

  // testuser is mapped by the server's own config, not an access entry: no policies.
  Review testuser = Post(Token({}));
  boost::json::object spec{{"user", "testuser"}, {"uid", testuser.doc.at("status").at("user").at("uid")},
                           {"extra", testuser.doc.at("status").at("user").at("extra")},
                           {"resourceAttributes", boost::json::object{{"verb", "get"}, {"resource", "pods"}, {"namespace", "dev-a"}}}};
  auto r = http::Fetch({.method = "POST", .url = Url("/authorize"),
                        .body = boost::json::serialize(boost::json::object{{"spec", spec}}), .ca_file = Ca()});
  EXPECT_FALSE(boost::json::parse(r->body).at("status").at("allowed").as_bool());
}

TEST_F(Serve, AuthorizeRejectsMalformedReviews) {
  struct Case {
    std::string body, error;
  } cases[] = {
      {"", "expected a request body"},
      {"[1]", "expected a request body to be a SubjectAccessReview"},
      {R"({"apiVersion": "authorization.k8s.io/v2", "spec": {}})", "apiVersion: expected authorization.k8s.io/v1 or "
                                                                      "authorization.k8s.io/v1beta1, got authorization.k8s.io/v2"},
      {R"({"spec": {"user": "a"}})", "spec: exactly one of resourceAttributes and nonResourceAttributes is required"},
      {R"({"spec": {"resourceAttributes": {"verb": "get"}}})", "spec: at least one of user and groups is required"},
      {R"({"spec": {"user": "a", "groups": "g", "resourceAttributes": {}}})", "spec.groups: must be a list of strings"},
      {R"({"spec": {"user": "a", "extra": {"arn": "x"}, "resourceAttributes": {}}})", "spec.extra.arn: must be a list of strings"},
      {R"({"spec": {"user": "a", "resourceAttributes": {"verb": 7}}})", "spec.resourceAttributes.verb: must be a string"},
  };
  for (const auto& c : cases) {
    auto r = http::Fetch({.method = "POST", .url = Url("/authorize"), .body = c.body, .ca_file = Ca()});
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 400) << c.body;
    EXPECT_EQ(boost::json::parse(r->body).at("status").at("evaluationError").as_string(), c.error) << c.body;
  }
  EXPECT_EQ(http::Fetch({.url = Url("/authorize"), .ca_file = Ca()})->status, 405);
}

// The local STS listener answers what it cannot parse as every kubeiam listener does.
TEST_F(Serve, LocalStsAnswersMalformedHttp) {
  EXPECT_EQ(testing::StatusLine(testing::RawExchange(sts_port_, "GARBAGE\r\n\r\n", true)), "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(testing::StatusLine(testing::RawExchange(sts_port_, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", true)),
            "HTTP/1.1 505 HTTP Version Not Supported");
  EXPECT_EQ(testing::RawExchange(sts_port_, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", false),
            "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n");
}

TEST_F(Serve, VerifyCommand) {
  Outcome o = testing::Run({KUBEIAM_BINARY, "verify", "--config", dir_->path() + "/config.yaml", "--token", Token({})},
                           {{"PATH", "/usr/bin:/bin"}});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  auto doc = boost::json::parse(o.out).as_object();
  EXPECT_EQ(doc.at("username").as_string(), "testuser");
  EXPECT_EQ(doc.at("canonicalArn").as_string(), "arn:aws:iam::111122223333:user/testuser");
  Outcome bad = testing::Run({KUBEIAM_BINARY, "verify", "--config", dir_->path() + "/config.yaml", "--token", "x"},
                             {{"PATH", "/usr/bin:/bin"}});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("could not verify token: input token was not properly formatted"), std::string::npos);
}

TEST_F(Serve, WhoamiMintsItsOwnToken) {
  auto env = Env("AKIAEXAMPLEDEVELOPER", "kubeiamDeveloperSecretKeyDoNotUseAnywhere");
  env.erase("AWS_CA_BUNDLE");  // whoami trusts the state dir's CA for the local STS by itself
  Outcome o = testing::Run({KUBEIAM_BINARY, "whoami", "--config", dir_->path() + "/config.yaml"}, env);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  auto doc = boost::json::parse(o.out).as_object();
  EXPECT_EQ(doc.at("arn").as_string(), "arn:aws:iam::111122223333:user/engineering/developer");
  EXPECT_EQ(doc.at("mappedBy").as_string(), "EKSConfigMap");
}

// explain with your own credentials: a token minted and verified as the server does, STS's
// answer (a user with a path), the rows compared, then the request's decision.
TEST_F(Serve, ExplainOwnCredentialsAndARefusedToken) {
  auto env = Env("AKIAEXAMPLEDEVELOPER", "kubeiamDeveloperSecretKeyDoNotUseAnywhere");
  env.erase("AWS_CA_BUNDLE");
  Outcome o = testing::Run({KUBEIAM_BINARY, "explain", "--config", dir_->path() + "/config.yaml", "get", "pods"}, env);
  EXPECT_NE(o.out.find("Token\n  stsHost: 127.0.0.1:" + std::to_string(sts_port_) + "\n  signedAt: "), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("  signedHeaders: host;x-k8s-aws-id\n  clusterID: demo\n  verified: yes\n"), std::string::npos)
      << o.out << o.err;
  EXPECT_NE(o.out.find("  ARN: arn:aws:iam::111122223333:user/engineering/developer\n"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("(mapped by EKSConfigMap)\nAuthorization of get pods -n default\n"), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find("X-Amz-Signature"), std::string::npos);
  EXPECT_EQ(o.out.find("kubeiamDeveloperSecretKey"), std::string::npos);

  Outcome bad = testing::Run({KUBEIAM_BINARY, "explain", "--config", dir_->path() + "/config.yaml", "--token", "k8s-aws-v1.x"}, env);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("  verified: no - input token was not properly formatted"), std::string::npos) << bad.out << bad.err;
  EXPECT_NE(bad.out.find("Verdict: not authenticated: the API server answers 401 Unauthorized\n"), std::string::npos) << bad.out;
}

// doctor checks access entries' principal IDs with IAM's GetRole/GetUser (the local STS answers
// them): a recreated user, a deleted one, and one in another account that cannot be read.
TEST_F(Serve, DoctorChecksPrincipalIdsWithIam) {
  auto env = Env(kUserKey, kUserSecret);
  std::string sts = "https://127.0.0.1:" + std::to_string(sts_port_);
  env["AWS_ENDPOINT_URL_STS"] = sts;
  std::string data = std::string(KUBEIAM_TEST_DIR) + "/data/doctor/";
  Outcome o = testing::Run({KUBEIAM_BINARY, "doctor", "--aws-auth", data + "aws-auth.yaml", "--access-entries",
                            data + "access-entries.yaml", "--rbac", data + "rbac.yaml", "--iam-endpoint-url", sts},
                           env);
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  for (const char* want :
       {"access entry arn:aws:iam::111122223333:user/engineering/developer: error: recorded principal ID AIDAOLDDEVELOPER0001, "
        "IAM's is now AIDAEXAMPLEDEVELOPER: the principal was deleted and created again under the same ARN, and the entry no "
        "longer matches it\n  fix: delete the access entry and create it again\n",
        "access entry arn:aws:iam::111122223333:user/ghost: error: the principal no longer exists in IAM: the entry "
        "authenticates nobody\n",
        "access entry arn:aws:iam::444455556666:user/partner: warning: principal ID not checked: its account 444455556666 is "
        "not your credentials' (111122223333)\n",
        "access entry arn:aws:iam::111122223333:user/viewer: warning: grants nothing",
        "group auditors: warning: no RoleBinding or ClusterRoleBinding names it"}) {
    EXPECT_NE(o.out.find(want), std::string::npos) << want << "\n" << o.out;
  }
  EXPECT_EQ(o.out.find("user/testuser: error"), std::string::npos) << o.out;
  // Offline, the config's own principals answer; its state has nothing wrong with IDs.
  Outcome offline = testing::Run({KUBEIAM_BINARY, "doctor", "--config", dir_->path() + "/config.yaml"}, env);
  EXPECT_EQ(offline.out.find("principal"), std::string::npos) << offline.out << offline.err;
  EXPECT_EQ(offline.exit_code, 0) << offline.out << offline.err;
  Outcome none = testing::Run({KUBEIAM_BINARY, "doctor"}, env);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("kubeiam: give the state to examine"), std::string::npos) << none.err;
}

TEST(ServeConfig, BadConfigIsRefusedWithEveryProblemNamed) {
  TempDir dir;
  dir.Write("config.yaml", "server:\n  port: 70000\n  backendMode: [MountedFile, Bogus]\n  mapRoles:\n  - username: x\n");
  Outcome o = testing::Run({KUBEIAM_BINARY, "serve", "--config", dir.path() + "/config.yaml"}, {{"PATH", "/usr/bin:/bin"}});
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("config.yaml: clusterID: cluster ID cannot be empty"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("config.yaml:2:9: server.port: must be a whole number from 1 to 65535"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("server.backendMode: unknown mode \"Bogus\""), std::string::npos);
  EXPECT_NE(o.err.find("server.mapRoles[0]: one of rolearn or SSO must be supplied"), std::string::npos);
}

}  // namespace
}  // namespace kubeiam
