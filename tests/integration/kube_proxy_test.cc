// The API front as an authenticating proxy (`kubeAPI.upstream`): allowed requests reach a test
// upstream on loopback as the authenticated identity (Impersonate-* headers, kubeiam's client
// certificate and token), with the client's credentials and identity headers stripped; denied
// ones never leave kubeiam; watches stream; upgrades tunnel; a dead upstream answers 503.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "http/client.h"
#include "integration/cli_runner.h"
#include "support/fake_upstream.h"
#include "support/paths.h"
#include "support/temp_dir.h"

namespace kubeiam {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using testing::Outcome;

constexpr const char* kTestUserKey = "AKIAEXAMPLETESTUSER1";
constexpr const char* kTestUserSecret = "kubeiamExampleSecretKeyDoNotUseAnywhere0";

class KubeProxy : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* d : {"upstream", "client"}) {
      std::filesystem::create_directories(dir_.path() + "/" + d);
      ASSERT_TRUE(testing::MakeSelfSignedCert(dir_.path() + "/" + d));
    }
    upstream_ = std::make_unique<testing::FakeUpstream>(dir_.path() + "/upstream/cert.pem", dir_.path() + "/upstream/key.pem",
                                                        dir_.path() + "/client/cert.pem");
    dir_.Write("upstream-token", "kubeiam-upstream-token\n");
    Start(upstream_->url());
  }

  void Start(const std::string& upstream_url, const std::string& ca_file = "./upstream/cert.pem",
             const std::string& authorization = "kubeiam") {
    server_.reset();
    port_ = testing::FreePort();
    sts_port_ = testing::FreePort();
    api_port_ = testing::FreePort();
    std::string examples = std::string(KUBEIAM_TEST_DIR) + "/../examples/local";
    std::ifstream principals(examples + "/principals.yaml"), rbac(examples + "/rbac/pod-roles.yaml");
    dir_.Write("principals.yaml", std::string(std::istreambuf_iterator<char>(principals), {}));
    dir_.Write("rbac/roles.yaml", std::string(std::istreambuf_iterator<char>(rbac), {}));
    SetGroups("system:masters");
    dir_.Write("config.yaml", "clusterID: demo\nserver:\n  port: " + std::to_string(port_) +
                                  "\n  stateDir: ./state\n  backendMode: [EKSConfigMap]\n  awsAuthFile: ./aws-auth.yaml\n"
                                  "authorization:\n  rbac: ./rbac/\nkubeAPI:\n  port: " + std::to_string(api_port_) +
                                  "\n  upstream:\n    url: " + upstream_url +
                                  "\n    caFile: " + ca_file + "\n    clientCert: ./client/cert.pem\n"
                                  "    clientKey: ./client/key.pem\n    tokenFile: ./upstream-token\n    authorization: " + authorization + "\n"
                                  "sts:\n  local:\n    principals: ./principals.yaml\n    port: " + std::to_string(sts_port_) + "\n");
    server_ = testing::StartServe(dir_.path(), port_);
    token_ = Token();
  }

  void SetGroups(const std::string& groups) {
    dir_.Write("aws-auth.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata:\n"
                                "  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/testuser\n      username: testuser\n"
                                "      groups: [" + groups + "]\n");
  }

  std::string Token() {
    Outcome t = testing::Run({KUBEIAM_BINARY, "token", "-i", "demo", "--sts-endpoint",
                              "https://127.0.0.1:" + std::to_string(sts_port_), "--token-only"},
                             {{"AWS_ACCESS_KEY_ID", kTestUserKey}, {"AWS_SECRET_ACCESS_KEY", kTestUserSecret},
                              {"AWS_EC2_METADATA_DISABLED", "true"}, {"AWS_CONFIG_FILE", "/dev/null"},
                              {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}});
    return t.out.substr(0, t.out.find('\n'));
  }

  Result<http::Response> Get(const std::string& path, http::Headers extra = {}) {
    extra.emplace_back("Authorization", "Bearer " + token_);
    return http::Fetch({.url = "https://127.0.0.1:" + std::to_string(api_port_) + path, .headers = extra,
                        .ca_file = dir_.path() + "/state/ca.crt"});
  }

  // Waits (up to 3 s) for the aws-auth reload: whoami through the front shows the group.
  void WaitForGroup(const std::string& group) {
    for (int i = 0; i < 30; ++i) {
      auto r = http::Fetch({.method = "POST", .url = "https://127.0.0.1:" + std::to_string(api_port_) +
                                                     "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                            .headers = {{"Authorization", "Bearer " + token_}, {"Content-Type", "application/json"}},
                            .body = R"({"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"})",
                            .ca_file = dir_.path() + "/state/ca.crt"});
      if (r && r->body.find("\"" + group + "\"") != std::string::npos) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL() << "group " << group << " never showed";
  }

  // A raw TLS connection to the front, for what the one-shot client cannot do (streams, upgrades).
  struct Raw {
    asio::io_context io;
    asio::ssl::context ctx{asio::ssl::context::tls_client};
    std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket>> s;
    beast::flat_buffer buffer;
  };
  std::unique_ptr<Raw> Connect() {
    auto raw = std::make_unique<Raw>();
    raw->ctx.load_verify_file(dir_.path() + "/state/ca.crt");
    raw->ctx.set_verify_mode(asio::ssl::verify_peer);
    raw->s = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket>>(raw->io, raw->ctx);
    raw->s->lowest_layer().connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(api_port_)});
    raw->s->handshake(asio::ssl::stream_base::client);
    return raw;
  }

  std::string Header(const testing::UpstreamRequest& r, const std::string& name, int nth = 0) {
    for (const auto& [k, v] : r.headers) {
      if (strcasecmp(k.c_str(), name.c_str()) == 0 && nth-- == 0) return v;
    }
    return "<absent>";
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::FakeUpstream> upstream_;
  std::unique_ptr<testing::Process> server_;
  int port_ = 0, sts_port_ = 0, api_port_ = 0;
  std::string token_;
};

TEST_F(KubeProxy, AllowedRequestsReachTheUpstreamAsTheCaller) {
  auto r = Get("/api/v1/namespaces/default/pods?limit=500",
               {{"Accept", "application/json;as=Table;v=v1;g=meta.k8s.io"}, {"X-Remote-User", "mallory"},
                {"X-Remote-Group", "system:masters"}, {"Proxy-Authorization", "Basic bWFsbG9yeQ=="},
                {"Connection", "keep-alive, X-Hop"}, {"X-Hop", "dropped"}, {"User-Agent", "kubectl/v1.31"}});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200) << r->body;
  auto seen = upstream_->requests();
  ASSERT_EQ(seen.size(), 1u);
  const auto& up = seen[0];
  EXPECT_EQ(up.method, "GET");
  EXPECT_EQ(up.target, "/api/v1/namespaces/default/pods?limit=500");
  EXPECT_EQ(up.client_subject, "/CN=127.0.0.1");  // kubeiam's client certificate, verified by the upstream
  EXPECT_EQ(Header(up, "Authorization"), "Bearer kubeiam-upstream-token");  // kubeiam's, not the caller's
  EXPECT_EQ(Header(up, "Impersonate-User"), "testuser");
  EXPECT_EQ(Header(up, "Impersonate-Group"), "system:masters");
  EXPECT_EQ(Header(up, "Impersonate-Group", 1), "<absent>");  // system:authenticated: the upstream adds it
  EXPECT_EQ(Header(up, "Impersonate-Uid"), "aws-iam-authenticator:111122223333:AIDAEXAMPLETESTUSER1");
  EXPECT_EQ(Header(up, "Impersonate-Extra-arn"), "arn:aws:iam::111122223333:user/testuser");
  EXPECT_EQ(Header(up, "Impersonate-Extra-principalId"), "AIDAEXAMPLETESTUSER1");
  EXPECT_EQ(Header(up, "Impersonate-Extra-accessKeyId"), kTestUserKey);
  EXPECT_EQ(Header(up, "Accept"), "application/json;as=Table;v=v1;g=meta.k8s.io");
  EXPECT_EQ(Header(up, "User-Agent"), "kubectl/v1.31");
  for (const char* gone : {"X-Remote-User", "X-Remote-Group", "Proxy-Authorization", "X-Hop"}) {
    EXPECT_EQ(Header(up, gone), "<absent>") << gone;
  }
  for (const auto& [k, v] : up.headers) EXPECT_EQ(v.find(token_), std::string::npos) << "the caller's token leaked in " << k;
  // The upstream's answer comes back as it was.
  auto echo = boost::json::parse(r->body);
  EXPECT_EQ(echo.at("target").as_string(), "/api/v1/namespaces/default/pods?limit=500");
}

TEST_F(KubeProxy, ClientImpersonationIsCheckedThenReplaced) {
  // system:masters may impersonate; what goes upstream is the impersonated identity only.
  auto r = Get("/api/v1/namespaces/default/pods", {{"Impersonate-User", "jane"}, {"Impersonate-Group", "pod-viewer"},
                                                   {"Impersonate-Extra-scopes", "view"}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  auto up = upstream_->requests().at(0);
  EXPECT_EQ(Header(up, "Impersonate-User"), "jane");
  EXPECT_EQ(Header(up, "Impersonate-Group"), "pod-viewer");
  EXPECT_EQ(Header(up, "Impersonate-Group", 1), "<absent>");
  EXPECT_EQ(Header(up, "Impersonate-Extra-scopes"), "view");
  EXPECT_EQ(Header(up, "Impersonate-Uid"), "<absent>");
  EXPECT_EQ(Header(up, "Impersonate-Extra-arn"), "<absent>");

  // pod-viewer may not impersonate: 403 from kubeiam, nothing upstream.
  SetGroups("pod-viewer");
  WaitForGroup("pod-viewer");
  auto refused = Get("/api/v1/namespaces/default/pods", {{"Impersonate-User", "jane"}});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(upstream_->requests().size(), 1u);
}

TEST_F(KubeProxy, DeniedRequestsNeverLeaveKubeiam) {
  SetGroups("pod-viewer");
  WaitForGroup("pod-viewer");
  auto nodes = Get("/api/v1/nodes");
  ASSERT_TRUE(nodes);
  EXPECT_EQ(nodes->status, 403);
  EXPECT_NE(nodes->body.find(R"(nodes is forbidden: User \"testuser\" cannot list resource \"nodes\" in API group \"\" at the cluster scope)"),
            std::string::npos)
      << nodes->body;
  auto pods = Get("/api/v1/namespaces/default/pods");
  ASSERT_TRUE(pods);
  EXPECT_EQ(pods->status, 200);
  auto seen = upstream_->requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].target, "/api/v1/namespaces/default/pods");
  EXPECT_EQ(Header(seen[0], "Impersonate-Group"), "pod-viewer");
  // No token: 401 from kubeiam, nothing upstream.
  auto anonymous = http::Fetch({.url = "https://127.0.0.1:" + std::to_string(api_port_) + "/api/v1/namespaces/default/pods",
                                .ca_file = dir_.path() + "/state/ca.crt"});
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  EXPECT_EQ(upstream_->requests().size(), 1u);
}

TEST_F(KubeProxy, ReviewsAreAnsweredByKubeiamItself) {
  Outcome whoami = testing::Run(
      {"kubectl", "--server", "https://127.0.0.1:" + std::to_string(api_port_), "--certificate-authority",
       dir_.path() + "/state/ca.crt", "--token", token_, "auth", "whoami", "-o", "json"},
      {{"HOME", dir_.path()}, {"NO_PROXY", "127.0.0.1"}});
  ASSERT_EQ(whoami.exit_code, 0) << whoami.err;
  EXPECT_EQ(boost::json::parse(whoami.out).at("status").at("userInfo").at("username").as_string(), "testuser");
  Outcome can = testing::Run({"kubectl", "--server", "https://127.0.0.1:" + std::to_string(api_port_), "--certificate-authority",
                              dir_.path() + "/state/ca.crt", "--token", token_, "auth", "can-i", "delete", "nodes"},
                             {{"HOME", dir_.path()}, {"NO_PROXY", "127.0.0.1"}});
  EXPECT_EQ(can.out, "yes\n") << can.err;
  for (const auto& r : upstream_->requests()) EXPECT_EQ(r.target.find("reviews"), std::string::npos) << r.target;
  // The rest, discovery included, is the upstream's: kubectl reads it raw through the proxy.
  Outcome raw = testing::Run({"kubectl", "--server", "https://127.0.0.1:" + std::to_string(api_port_),
                              "--certificate-authority", dir_.path() + "/state/ca.crt", "--token", token_, "get", "--raw",
                              "/apis/apps/v1/namespaces/default/deployments"},
                             {{"HOME", dir_.path()}, {"NO_PROXY", "127.0.0.1"}});
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  auto echo = boost::json::parse(raw.out);
  EXPECT_EQ(echo.at("headers").at("Impersonate-User").as_string(), "testuser");
}

TEST_F(KubeProxy, KeepAliveClientsReuseTheirUpstreamConnection) {
  http::ConnectionPool pool;
  for (int i = 0; i < 5; ++i) {
    auto r = pool.Fetch({.url = "https://127.0.0.1:" + std::to_string(api_port_) + "/api/v1/namespaces/default/pods",
                         .headers = {{"Authorization", "Bearer " + token_}}, .ca_file = dir_.path() + "/state/ca.crt"});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  EXPECT_EQ(upstream_->requests().size(), 5u);
  EXPECT_EQ(upstream_->connections(), 1);
}

TEST_F(KubeProxy, WatchesStreamAsTheUpstreamWrites) {
  auto raw = Connect();
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, "/api/v1/namespaces/default/pods?watch=true", 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.set(bhttp::field::authorization, "Bearer " + token_);
  bhttp::write(*raw->s, req);
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(boost::none);
  bhttp::read_header(*raw->s, raw->buffer, parser);
  EXPECT_EQ(parser.get().result_int(), 200u);
  EXPECT_TRUE(parser.chunked());
  // The first event arrives while the upstream still holds the second back.
  while (parser.get().body().find("first") == std::string::npos) bhttp::read_some(*raw->s, raw->buffer, parser);
  EXPECT_EQ(parser.get().body().find("second"), std::string::npos);
  upstream_->Release();
  bhttp::read(*raw->s, raw->buffer, parser);
  EXPECT_TRUE(parser.is_done());
  EXPECT_NE(parser.get().body().find("second"), std::string::npos);
  EXPECT_EQ(Header(upstream_->requests().at(0), "Impersonate-User"), "testuser");
}

TEST_F(KubeProxy, UpgradesTunnelBothWays) {
  auto raw = Connect();
  std::string request = "POST /api/v1/namespaces/default/pods/nginx/exec?command=sh&stdin=true HTTP/1.1\r\n"
                        "Host: 127.0.0.1\r\nAuthorization: Bearer " + token_ +
                        "\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n"
                        "Content-Length: 0\r\n\r\n";
  asio::write(*raw->s, asio::buffer(request));
  bhttp::response_parser<bhttp::empty_body> parser;
  bhttp::read_header(*raw->s, raw->buffer, parser);
  ASSERT_EQ(parser.get().result(), bhttp::status::switching_protocols);
  asio::write(*raw->s, asio::buffer(std::string("hello through the tunnel")));
  std::string echoed(raw->buffer.size(), '\0');
  asio::buffer_copy(asio::buffer(echoed), raw->buffer.data());
  while (echoed.size() < 24) {
    char buf[64];
    size_t n = raw->s->read_some(asio::buffer(buf));
    echoed.append(buf, n);
  }
  EXPECT_EQ(echoed, "hello through the tunnel");
  auto up = upstream_->requests().at(0);
  EXPECT_EQ(Header(up, "Upgrade"), "SPDY/3.1");
  EXPECT_EQ(Header(up, "Connection"), "Upgrade");
  EXPECT_EQ(Header(up, "X-Stream-Protocol-Version"), "v4.channel.k8s.io");
  EXPECT_EQ(Header(up, "Impersonate-User"), "testuser");
}

TEST_F(KubeProxy, InterimAnswersAreNotTheAnswer) {
  // A 103 first (a pod's early hints through the proxy subresource); the answer after it counts,
  // and the connection stays in step for the next request.
  http::ConnectionPool pool;
  for (const char* path : {"/api/v1/namespaces/default/pods/web/proxy/early-hints", "/api/v1/namespaces/default/pods"}) {
    auto r = pool.Fetch({.url = "https://127.0.0.1:" + std::to_string(api_port_) + path,
                         .headers = {{"Authorization", "Bearer " + token_}, {"Expect", "100-continue"}},
                         .ca_file = dir_.path() + "/state/ca.crt"});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(boost::json::parse(r->body).at("target").as_string(), path);
  }
  for (const auto& r : upstream_->requests()) EXPECT_EQ(Header(r, "Expect"), "<absent>");
  // An upstream that answers only with interim answers gets no endless wait.
  auto flood = Get("/api/v1/namespaces/default/pods/web/proxy/early-hints-flood");
  ASSERT_TRUE(flood);
  EXPECT_EQ(flood->status, 503);
  EXPECT_NE(flood->body.find("sent only interim answers"), std::string::npos) << flood->body;
}

TEST_F(KubeProxy, ExecOverGetAlsoNeedsCreate) {
  dir_.Write("rbac/exec.yaml", R"(apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: exec-getter, namespace: default}
rules: [{apiGroups: [""], resources: [pods/exec], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: exec-getter, namespace: default}
subjects: [{kind: Group, name: exec-getter, apiGroup: rbac.authorization.k8s.io}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: exec-getter}
)");
  SetGroups("exec-getter");
  WaitForGroup("exec-getter");
  auto r = Get("/api/v1/namespaces/default/pods/nginx/exec?command=sh", {{"Connection", "Upgrade"}, {"Upgrade", "websocket"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_NE(r->body.find(R"(pods \"nginx\" is forbidden: User \"testuser\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"default\")"),
            std::string::npos)
      << r->body;
  EXPECT_TRUE(upstream_->requests().empty());
}

TEST_F(KubeProxy, OnlyPathTargetsAreAuthorized) {
  // An absolute-form target would be authorized as a non-resource URL yet routed by its path.
  auto raw = Connect();
  std::string request = "GET https://127.0.0.1/api/v1/secrets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                        token_ + "\r\nConnection: close\r\n\r\n";
  asio::write(*raw->s, asio::buffer(request));
  bhttp::response<bhttp::string_body> res;
  bhttp::read(*raw->s, raw->buffer, res);
  EXPECT_EQ(res.result_int(), 400u);
  EXPECT_NE(res.body().find("the request target must be a path"), std::string::npos) << res.body();
  EXPECT_TRUE(upstream_->requests().empty());
}

TEST_F(KubeProxy, AnUpstreamThatDecidesGetsEveryAuthenticatedRequest) {
  Start(upstream_->url(), "./upstream/cert.pem", "upstream");
  SetGroups("pod-viewer");
  WaitForGroup("pod-viewer");
  // kubeiam's RBAC would refuse this; the upstream's own RBAC decides instead.
  auto nodes = Get("/api/v1/nodes");
  ASSERT_TRUE(nodes);
  EXPECT_EQ(nodes->status, 200) << nodes->body;
  auto review = http::Fetch({.method = "POST", .url = "https://127.0.0.1:" + std::to_string(api_port_) +
                                                      "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                             .headers = {{"Authorization", "Bearer " + token_}, {"Content-Type", "application/json"}},
                             .body = R"({"spec":{"resourceAttributes":{"verb":"list","resource":"nodes"}}})",
                             .ca_file = dir_.path() + "/state/ca.crt"});
  ASSERT_TRUE(review);
  EXPECT_EQ(boost::json::parse(review->body).at("target").as_string(), "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews");
  // Authentication and impersonation are still kubeiam's.
  auto anonymous = http::Fetch({.url = "https://127.0.0.1:" + std::to_string(api_port_) + "/api/v1/nodes",
                                .ca_file = dir_.path() + "/state/ca.crt"});
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  auto as = Get("/api/v1/nodes", {{"Impersonate-User", "jane"}});
  ASSERT_TRUE(as);
  EXPECT_EQ(as->status, 403);
  // Upstream: the nodes list (once: not the anonymous or impersonating tries) and the review
  // (besides the SelfSubjectReviews WaitForGroup sent, also the upstream's to answer now).
  int nodes_seen = 0, reviews_seen = 0;
  for (const auto& r : upstream_->requests()) {
    if (r.target == "/api/v1/nodes") {
      ++nodes_seen;
      EXPECT_EQ(Header(r, "Impersonate-Group"), "pod-viewer");
    }
    reviews_seen += r.target.ends_with("/selfsubjectaccessreviews");
  }
  EXPECT_EQ(nodes_seen, 1);
  EXPECT_EQ(reviews_seen, 1);
}

TEST_F(KubeProxy, AnUnreachableUpstreamIsA503Status) {
  int dead = testing::FreePort();
  Start("https://127.0.0.1:" + std::to_string(dead));
  auto r = Get("/api/v1/namespaces/default/pods");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  auto status = boost::json::parse(r->body);
  EXPECT_EQ(status.at("kind").as_string(), "Status");
  EXPECT_EQ(status.at("reason").as_string(), "ServiceUnavailable");
  EXPECT_NE(std::string(status.at("message").as_string()).find("error trying to reach the upstream API server: connecting to 127.0.0.1:" +
                                                             std::to_string(dead)),
            std::string::npos)
      << r->body;
}

TEST_F(KubeProxy, AnUpstreamTheCaBundleDoesNotVouchForIsRefused) {
  Start(upstream_->url(), "./client/cert.pem");
  auto r = Get("/api/v1/namespaces/default/pods");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503) << r->body;
  EXPECT_NE(r->body.find("TLS handshake with 127.0.0.1:" + std::to_string(upstream_->port())), std::string::npos) << r->body;
  EXPECT_TRUE(upstream_->requests().empty());
}

}  // namespace
}  // namespace kubeiam
