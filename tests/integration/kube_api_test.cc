// The Kubernetes API front with the real kubectl and `kubeiam token` as its exec plugin: the
// seed scenario (401 unmapped, 200 as system:masters, 403 with the API server's message,
// whoami, can-i with groups changing live), impersonation, and the review APIs.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <thread>

#include "http/client.h"
#include "integration/cli_runner.h"
#include "support/paths.h"
#include "support/temp_dir.h"

namespace kubeiam {
namespace {

using testing::Outcome;

class KubeApiFront : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = testing::FreePort();
    sts_port_ = testing::FreePort();
    api_port_ = testing::FreePort();
    std::string examples = std::string(KUBEIAM_TEST_DIR) + "/../examples/local";
    dir_.Write("principals.yaml", *Read(examples + "/principals.yaml"));
    std::string rbac = *Read(examples + "/rbac/pod-roles.yaml");
    dir_.Write("rbac/roles.yaml", rbac);
    dir_.Write("objects/nodes.yaml", R"(apiVersion: v1
kind: Node
metadata: {name: ip-10-0-1-23.ec2.internal, creationTimestamp: "2026-01-01T00:00:00Z"}
---
apiVersion: v1
kind: Node
metadata: {name: ip-10-0-1-24.ec2.internal, creationTimestamp: "2026-01-01T00:00:00Z"}
)");
    dir_.Write("objects/pods.yaml", R"(apiVersion: v1
kind: Pod
metadata: {name: nginx, namespace: default, creationTimestamp: "2026-01-01T00:00:00Z"}
spec:
  containers: [{name: nginx, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata: {name: redis, namespace: default}
---
apiVersion: v1
kind: Namespace
metadata: {name: default}
)");
    SetGroups("system:masters");
    // As kube-apiserver's --audit-policy-file: bodies of ConfigMap requests, metadata for the rest.
    dir_.Write("audit-policy.yaml", R"(apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: None
  nonResourceURLs: ["/healthz*", "/version", "/api", "/apis*", "/openapi*"]
- level: RequestResponse
  resources: [{group: "", resources: [configmaps]}, {group: authentication.k8s.io, resources: [tokenreviews]}]
- level: None
  users: [system:kube-proxy]
- level: Metadata
)");
    dir_.Write("config.yaml", "clusterID: demo\nserver:\n  port: " + std::to_string(port_) +
                                  "\n  stateDir: ./state\n  backendMode: [EKSConfigMap]\n  awsAuthFile: ./aws-auth.yaml\n"
                                  "authorization:\n  rbac: ./rbac/\nkubeAPI:\n  port: " + std::to_string(api_port_) +
                                  "\n  objects: ./objects/\n  audit: {policyFile: ./audit-policy.yaml, path: ./audit.log}\n"
                                  "sts:\n  local:\n    principals: ./principals.yaml\n    port: " +
                                  std::to_string(sts_port_) + "\n");
    server_ = testing::StartServe(dir_.path(), port_);
  }

  static Result<std::string> Read(const std::string& path) {
    std::ifstream in(path);
    if (!in) return Fail(ErrorCode::kNotFound, path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // testuser's groups in aws-auth (the server reloads the file while running).
  void SetGroups(const std::string& groups) {
    dir_.Write("aws-auth.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata:\n"
                                "  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/testuser\n      username: testuser\n"
                                "      groups: [" + groups + "]\n");
  }

  std::string Kubeconfig(const std::string& key, const std::string& secret) {
    return dir_.Write("kubeconfig-" + key, testing::ExecKubeconfig(api_port_, sts_port_, dir_.path() + "/state/ca.crt", key, secret));
  }

  // testuser's token, for requests the test makes itself.
  std::string Token() {
    Outcome t = testing::Run({KUBEIAM_BINARY, "token", "-i", "demo", "--sts-endpoint",
                              "https://127.0.0.1:" + std::to_string(sts_port_), "--token-only"},
                             {{"AWS_ACCESS_KEY_ID", "AKIAEXAMPLETESTUSER1"},
                              {"AWS_SECRET_ACCESS_KEY", "kubeiamExampleSecretKeyDoNotUseAnywhere0"},
                              {"AWS_EC2_METADATA_DISABLED", "true"}, {"AWS_CONFIG_FILE", "/dev/null"},
                              {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}});
    return t.out.substr(0, t.out.find('\n'));
  }

  Outcome Kubectl(const std::string& kubeconfig, std::vector<std::string> args) {
    args.insert(args.begin(), {"kubectl", "--kubeconfig", kubeconfig});
    return testing::Run(args, {{"HOME", dir_.path()}, {"AWS_EC2_METADATA_DISABLED", "true"}, {"AWS_CONFIG_FILE", "/dev/null"},
                               {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}, {"NO_PROXY", "127.0.0.1"}});
  }

  // Waits (up to 3 s) for the aws-auth reload to show in `kubectl auth whoami`'s groups.
  void WaitForGroup(const std::string& kubeconfig, const std::string& group) {
    for (int i = 0; i < 30; ++i) {
      if (testing::WhoamiGroupsAre(Kubectl(kubeconfig, {"auth", "whoami", "-o", "json"}).out, group)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL() << "the groups never became " << group << " (and system:authenticated)";
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::Process> server_;
  int port_ = 0, sts_port_ = 0, api_port_ = 0;
};

TEST_F(KubeApiFront, SeedScenarioWithRealKubectl) {
  std::string outsider = Kubeconfig("AKIAEXAMPLEOUTSIDER1", "kubeiamOutsiderSecretKeyDoNotUseAnywhere");
  Outcome unauthorized = Kubectl(outsider, {"get", "nodes"});
  EXPECT_EQ(unauthorized.exit_code, 1);
  // kubectl's words vary by version: "(Unauthorized)" or "(the server has asked for the client to provide credentials)".
  EXPECT_NE(unauthorized.err.find("error: You must be logged in to the server ("), std::string::npos) << unauthorized.err;
  auto raw = http::Fetch({.url = "https://127.0.0.1:" + std::to_string(api_port_) + "/api/v1/nodes",
                          .headers = {{"Authorization", "Bearer k8s-aws-v1.bm9wZQ"}}, .ca_file = dir_.path() + "/state/ca.crt"});
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->status, 401);
  EXPECT_EQ(raw->body, R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized",)"
                       R"("reason":"Unauthorized","code":401})");

  std::string testuser = Kubeconfig("AKIAEXAMPLETESTUSER1", "kubeiamExampleSecretKeyDoNotUseAnywhere0");
  Outcome nodes = Kubectl(testuser, {"get", "nodes"});
  ASSERT_EQ(nodes.exit_code, 0) << nodes.err;
  EXPECT_NE(nodes.out.find("ip-10-0-1-23.ec2.internal"), std::string::npos) << nodes.out;
  // Nothing the front does not serve is advertised (no deployments in the folder).
  Outcome deployments = Kubectl(testuser, {"get", "deployments"});
  EXPECT_NE(deployments.err.find("the server doesn't have a resource type \"deployments\""), std::string::npos)
      << deployments.err;
  Outcome whoami = Kubectl(testuser, {"auth", "whoami", "-o", "json"});
  ASSERT_EQ(whoami.exit_code, 0) << whoami.err;
  auto who = boost::json::parse(whoami.out);
  EXPECT_EQ(who.at("status").at("userInfo").at("username").as_string(), "testuser");
  EXPECT_EQ(who.at("status").at("userInfo").at("uid").as_string(), "aws-iam-authenticator:111122223333:AIDAEXAMPLETESTUSER1");

  // Group changed to system:authenticated only: 403 with the API server's message.
  SetGroups("system:authenticated");
  WaitForGroup(testuser, "system:authenticated");
  Outcome forbidden = Kubectl(testuser, {"get", "nodes"});
  EXPECT_EQ(forbidden.exit_code, 1);
  EXPECT_NE(forbidden.err.find("Error from server (Forbidden): nodes is forbidden: User \"testuser\" cannot list resource "
                               "\"nodes\" in API group \"\" at the cluster scope"),
            std::string::npos)
      << forbidden.err;

  // pod-viewer: can-i get pods yes, delete no; then pod-admin: yes.
  SetGroups("pod-viewer");
  WaitForGroup(testuser, "pod-viewer");
  EXPECT_EQ(Kubectl(testuser, {"auth", "can-i", "get", "pods"}).out, "yes\n");
  Outcome no = Kubectl(testuser, {"auth", "can-i", "delete", "pods"});
  EXPECT_EQ(no.exit_code, 1);
  EXPECT_EQ(no.out, "no\n");
  Outcome pods = Kubectl(testuser, {"get", "pods"});
  ASSERT_EQ(pods.exit_code, 0) << pods.err;
  EXPECT_NE(pods.out.find("nginx"), std::string::npos) << pods.out;
  Outcome list = Kubectl(testuser, {"auth", "can-i", "--list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("pods"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("[get list watch]"), std::string::npos) << list.out;
  SetGroups("pod-admin");
  WaitForGroup(testuser, "pod-admin");
  EXPECT_EQ(Kubectl(testuser, {"auth", "can-i", "delete", "pods"}).out, "yes\n");
  // Writes: allowed by RBAC, but the front is read-only.
  Outcome del = Kubectl(testuser, {"delete", "pod", "nginx"});
  EXPECT_NE(del.err.find("read-only"), std::string::npos) << del.err;
}

TEST_F(KubeApiFront, ImpersonationIsChecked) {
  std::string testuser = Kubeconfig("AKIAEXAMPLETESTUSER1", "kubeiamExampleSecretKeyDoNotUseAnywhere0");
  // system:masters may impersonate anyone; the impersonated identity is what is authorized.
  Outcome as = Kubectl(testuser, {"auth", "can-i", "get", "pods", "--as", "jane", "--as-group", "pod-viewer"});
  EXPECT_EQ(as.out, "yes\n") << as.err;
  EXPECT_EQ(Kubectl(testuser, {"auth", "can-i", "get", "nodes", "--as", "jane"}).out, "no\n");
  Outcome whoami = Kubectl(testuser, {"auth", "whoami", "--as", "jane", "-o", "json"});
  EXPECT_EQ(boost::json::parse(whoami.out).at("status").at("userInfo").at("username").as_string(), "jane");
  SetGroups("pod-viewer");
  WaitForGroup(testuser, "pod-viewer");
  Outcome refused = Kubectl(testuser, {"get", "pods", "--as", "jane"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("users \"jane\" is forbidden: User \"testuser\" cannot impersonate resource \"users\" in API "
                             "group \"\" at the cluster scope"),
            std::string::npos)
      << refused.err;
}

// Every request leaves one log line with who asked, what, the answer and the latency; a token
// never does.
TEST_F(KubeApiFront, EveryRequestIsLogged) {
  std::string outsider = Kubeconfig("AKIAEXAMPLEOUTSIDER1", "kubeiamOutsiderSecretKeyDoNotUseAnywhere");
  std::string testuser = Kubeconfig("AKIAEXAMPLETESTUSER1", "kubeiamExampleSecretKeyDoNotUseAnywhere0");
  ASSERT_EQ(Kubectl(testuser, {"get", "nodes"}).exit_code, 0);
  EXPECT_EQ(Kubectl(outsider, {"get", "nodes"}).exit_code, 1);
  EXPECT_EQ(Kubectl(testuser, {"get", "pods", "--as", "jane", "--as-group", "nobody"}).exit_code, 1);
  auto lines = [&] {
    std::ifstream in(dir_.path() + "/serve.log");
    std::vector<boost::json::object> out;
    for (std::string line; std::getline(in, line);) {
      boost::system::error_code ec;
      auto v = boost::json::parse(line, ec);
      if (!ec && v.is_object() && v.as_object().contains("msg") && v.at("msg") == boost::json::value("kubeAPI request")) {
        out.push_back(v.as_object());
      }
    }
    return out;
  }();
  auto find = [&](const std::string& path, const std::string& decision) -> const boost::json::object* {
    for (const auto& l : lines) {
      if (l.at("path") == boost::json::value(path) && l.at("decision") == boost::json::value(decision)) return &l;
    }
    return nullptr;
  };
  const auto* allowed = find("/api/v1/nodes", "allowed");
  ASSERT_NE(allowed, nullptr);
  EXPECT_EQ(allowed->at("method"), boost::json::value("GET"));
  EXPECT_EQ(allowed->at("user"), boost::json::value("testuser"));
  EXPECT_EQ(allowed->at("status"), boost::json::value(200));
  EXPECT_TRUE(allowed->at("latencyMs").is_double());
  const auto* unauthenticated = find("/api/v1/nodes", "unauthenticated");
  ASSERT_NE(unauthenticated, nullptr);
  EXPECT_FALSE(unauthenticated->contains("user"));
  const auto* forbidden = find("/api/v1/namespaces/default/pods", "forbidden");
  ASSERT_NE(forbidden, nullptr);
  EXPECT_EQ(forbidden->at("user"), boost::json::value("jane")) << "the user impersonated is the one refused";
  std::ifstream whole(dir_.path() + "/serve.log");
  std::string text((std::istreambuf_iterator<char>(whole)), {});
  EXPECT_EQ(text.find("k8s-aws-v1."), std::string::npos) << "no token in the log";
  // And counted, by Kubernetes verb and status, with latency histograms.
  auto metrics = http::Fetch({.url = "https://127.0.0.1:" + std::to_string(port_) + "/metrics", .ca_file = dir_.path() + "/state/ca.crt"});
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find(R"(kubeiam_kubeapi_requests_total{verb="list",code="200"})"), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find(R"(kubeiam_kubeapi_requests_total{verb="get",code="401"})"), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find(R"(kubeiam_kubeapi_request_duration_seconds_bucket{verb="list",le="+Inf"})"), std::string::npos);
}

// The audit log follows the policy: metadata for pods, the bodies for ConfigMaps, nothing for
// discovery, RequestReceived omitted; an impersonated request names both users.
TEST_F(KubeApiFront, AuditLogFollowsThePolicy) {
  std::string testuser = Kubeconfig("AKIAEXAMPLETESTUSER1", "kubeiamExampleSecretKeyDoNotUseAnywhere0");
  ASSERT_EQ(Kubectl(testuser, {"get", "pods"}).exit_code, 0);
  ASSERT_EQ(Kubectl(testuser, {"create", "configmap", "audited", "--from-literal=k=v"}).exit_code, 0);
  ASSERT_EQ(Kubectl(testuser, {"get", "pods", "--as", "jane", "--as-group", "pod-viewer"}).exit_code, 0);
  // A TokenReview through the front, audited with its bodies: never its token.
  std::string token = Token();
  auto review = http::Fetch({.method = "POST", .url = "https://127.0.0.1:" + std::to_string(api_port_) +
                                                      "/apis/authentication.k8s.io/v1/tokenreviews",
                             .headers = {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}},
                             .body = R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":")" + token + R"("}})",
                             .ca_file = dir_.path() + "/state/ca.crt"});
  ASSERT_TRUE(review);
  std::vector<boost::json::object> events;
  std::ifstream in(dir_.path() + "/audit.log");
  for (std::string line; std::getline(in, line);) events.push_back(boost::json::parse(line).as_object());
  ASSERT_FALSE(events.empty());
  auto str = [](const boost::json::object& o, const char* k) { return std::string(o.at(k).as_string()); };
  const boost::json::object *pods = nullptr, *cm = nullptr, *as_jane = nullptr;
  for (const auto& e : events) {
    EXPECT_EQ(str(e, "apiVersion"), "audit.k8s.io/v1");
    EXPECT_EQ(str(e, "stage"), "ResponseComplete") << "RequestReceived is omitted";
    if (!e.contains("objectRef")) {
      EXPECT_EQ(str(e, "requestURI").rfind("/apis", 0), std::string::npos) << "discovery is level None";
      continue;
    }
    const auto& ref = e.at("objectRef").as_object();
    if (str(ref, "resource") == "configmaps" && str(e, "verb") == "create") cm = &e;
    if (str(ref, "resource") == "pods" && !e.contains("impersonatedUser")) pods = &e;
    if (str(ref, "resource") == "pods" && e.contains("impersonatedUser")) as_jane = &e;
  }
  ASSERT_NE(pods, nullptr);
  EXPECT_EQ(str(*pods, "level"), "Metadata");
  EXPECT_EQ(str(pods->at("user").as_object(), "username"), "testuser");
  EXPECT_EQ(pods->at("responseStatus").at("code"), boost::json::value(200));
  EXPECT_FALSE(pods->contains("requestObject"));
  ASSERT_NE(cm, nullptr);
  EXPECT_EQ(str(*cm, "level"), "RequestResponse");
  EXPECT_EQ(cm->at("requestObject").at("data").at("k"), boost::json::value("v"));
  EXPECT_EQ(cm->at("responseObject").at("metadata").at("name"), boost::json::value("audited"));
  EXPECT_EQ(cm->at("responseStatus").at("code"), boost::json::value(201));
  ASSERT_NE(as_jane, nullptr);
  EXPECT_EQ(str(as_jane->at("user").as_object(), "username"), "testuser");
  EXPECT_EQ(str(as_jane->at("impersonatedUser").as_object(), "username"), "jane");
  std::ifstream whole(dir_.path() + "/audit.log");
  std::string text((std::istreambuf_iterator<char>(whole)), {});
  EXPECT_NE(text.find(R"("kind":"TokenReview")"), std::string::npos) << "the bodies are there";
  EXPECT_EQ(text.find(token.substr(20, 40)), std::string::npos) << "no token in the audit log";
  struct stat st {};
  ASSERT_EQ(stat((dir_.path() + "/audit.log").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

// The review APIs through the front's HTTP, as an API client sends them.
TEST_F(KubeApiFront, ReviewApis) {
  std::string token = Token();
  auto post = [&](const std::string& path, const std::string& body) {
    auto r = http::Fetch({.method = "POST", .url = "https://127.0.0.1:" + std::to_string(api_port_) + path,
                          .headers = {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}},
                          .body = body, .ca_file = dir_.path() + "/state/ca.crt"});
    EXPECT_TRUE(r.has_value());
    return std::make_pair(r->status, boost::json::parse(r->body));
  };
  // SubjectAccessReview about someone else: groups as sent, none implied (KC14).
  auto [sar_code, sar] = post("/apis/authorization.k8s.io/v1/subjectaccessreviews",
                              R"({"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"jane",
                                 "groups":["pod-viewer"],"resourceAttributes":{"verb":"list","resource":"pods","namespace":"default"}}})");
  EXPECT_EQ(sar_code, 201);
  EXPECT_TRUE(sar.at("status").at("allowed").as_bool());
  // LocalSubjectAccessReview: the namespace comes from the URL and must agree.
  auto [lsar_code, lsar] = post("/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews",
                                R"({"spec":{"user":"jane","groups":["pod-viewer"],"resourceAttributes":{"verb":"get","resource":"pods"}}})");
  EXPECT_EQ(lsar_code, 201);
  EXPECT_TRUE(lsar.at("status").at("allowed").as_bool());
  auto [bad_code, bad] = post("/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews",
                              R"({"spec":{"user":"jane","resourceAttributes":{"verb":"get","resource":"pods","namespace":"x"}}})");
  EXPECT_EQ(bad_code, 400);
  EXPECT_EQ(bad.at("reason").as_string(), "BadRequest");
  // TokenReview of the caller's own token.
  auto [tr_code, tr] = post("/apis/authentication.k8s.io/v1/tokenreviews",
                            R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":")" + token + R"("}})");
  EXPECT_EQ(tr_code, 201);
  EXPECT_EQ(tr.at("status").at("user").at("username").as_string(), "testuser");
  // SelfSubjectRulesReview: complete under CONFIG_MAP (no access-policy webhook).
  auto [rr_code, rr] = post("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", R"({"spec":{"namespace":"default"}})");
  EXPECT_EQ(rr_code, 201);
  EXPECT_FALSE(rr.at("status").at("incomplete").as_bool());
  EXPECT_FALSE(rr.at("status").at("resourceRules").as_array().empty());
  // Discovery and a missing object.
  auto get = [&](const std::string& path) {
    return http::Fetch({.url = "https://127.0.0.1:" + std::to_string(api_port_) + path,
                        .headers = {{"Authorization", "Bearer " + token}}, .ca_file = dir_.path() + "/state/ca.crt"});
  };
  auto apis = get("/apis");
  EXPECT_NE(apis->body.find("\"rbac.authorization.k8s.io\""), std::string::npos);
  auto v1 = get("/api/v1");
  EXPECT_NE(v1->body.find("\"kind\":\"Pod\""), std::string::npos) << v1->body;
  // A list narrowed by fieldSelector to one name serves that name only (it was authorized so).
  auto one = get("/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dnginx");
  EXPECT_EQ(boost::json::parse(one->body).at("items").as_array().size(), 1u) << one->body;
  EXPECT_EQ(get("/api/v1/namespaces/default")->status, 200) << "a namespace object";
  EXPECT_EQ(get("/api/v1/namespaces/default/pods/nginx/status")->status, 404) << "no subresources";
  auto [no_ns, no_ns_body] = post("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", R"({"spec":{}})");
  EXPECT_EQ(no_ns, 400);
  auto missing = get("/api/v1/namespaces/default/pods/nope");
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(boost::json::parse(missing->body).at("message").as_string(), "pods \"nope\" not found");
}

// Watches on the objects folder: the changes since the client's resourceVersion, then each edit
// of the folder as it happens; a start the server no longer knows is a 410 ERROR event.
TEST_F(KubeApiFront, WatchesFollowTheObjectsFolder) {
  std::string token = Token();
  auto get = [&](const std::string& path, const std::string& accept = "application/json") {
    return http::Fetch({.url = "https://127.0.0.1:" + std::to_string(api_port_) + path,
                        .headers = {{"Authorization", "Bearer " + token}, {"Accept", accept}},
                        .timeout = std::chrono::milliseconds(8000), .ca_file = dir_.path() + "/state/ca.crt"});
  };
  auto list = get("/api/v1/namespaces/default/pods");
  ASSERT_TRUE(list);
  auto listed = boost::json::parse(list->body);
  std::string rv(listed.at("metadata").at("resourceVersion").as_string());
  // Each object carries the version it was read from: a client resuming from it resumes there.
  EXPECT_EQ(listed.at("items").at(0).at("metadata").at("resourceVersion").as_string(), rv);
  // WatchList is not offered: clients fall back to list, then watch.
  auto watch_list = get("/api/v1/namespaces/default/pods?watch=true&sendInitialEvents=true");
  ASSERT_TRUE(watch_list);
  EXPECT_EQ(watch_list->status, 422);
  // From scratch: every pod as ADDED, then the stream ends at timeoutSeconds.
  auto all = get("/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=1");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->status, 200);
  EXPECT_NE(all->body.find(R"({"type":"ADDED","object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"nginx")"),
            std::string::npos)
      << all->body;
  EXPECT_NE(all->body.find(R"("name":"redis")"), std::string::npos);
  // From the list's version: nothing until the folder changes; then the new pod, as a Table row
  // when kubectl asks for one.
  std::thread editor([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    dir_.Write("objects/more.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: default}\n");
  });
  auto changes = get("/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=2&resourceVersion=" + rv,
                     "application/json;as=Table;v=v1;g=meta.k8s.io");
  editor.join();
  ASSERT_TRUE(changes);
  EXPECT_EQ(changes->body.find("nginx"), std::string::npos) << changes->body;
  auto event = boost::json::parse(changes->body.substr(0, changes->body.find('\n')));
  EXPECT_EQ(event.at("type").as_string(), "ADDED");
  EXPECT_EQ(event.at("object").at("kind").as_string(), "Table");
  EXPECT_EQ(event.at("object").at("rows").at(0).at("cells").at(0).as_string(), "web");
  // A version the server has never had: ERROR 410 Expired.
  auto expired = get("/api/v1/namespaces/default/pods?watch=true&resourceVersion=99999");
  ASSERT_TRUE(expired);
  auto error = boost::json::parse(expired->body);
  EXPECT_EQ(error.at("type").as_string(), "ERROR");
  EXPECT_EQ(error.at("object").at("code").as_int64(), 410);
  EXPECT_EQ(error.at("object").at("reason").as_string(), "Expired");
}

TEST_F(KubeApiFront, KubectlGetWatchShowsNewObjects) {
  std::string testuser = Kubeconfig("AKIAEXAMPLETESTUSER1", "kubeiamExampleSecretKeyDoNotUseAnywhere0");
  std::thread editor([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    dir_.Write("objects/more.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: web-2, namespace: default}\n");
  });
  Outcome w = testing::Run({"timeout", "5", "kubectl", "--kubeconfig", testuser, "get", "pods", "--watch"},
                           {{"HOME", dir_.path()}, {"AWS_EC2_METADATA_DISABLED", "true"}, {"AWS_CONFIG_FILE", "/dev/null"},
                            {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}, {"NO_PROXY", "127.0.0.1"}});
  editor.join();
  EXPECT_EQ(w.exit_code, 124) << w.err;  // still watching when timeout stopped it
  EXPECT_NE(w.out.find("nginx"), std::string::npos) << w.out << w.err;
  EXPECT_NE(w.out.find("web-2"), std::string::npos) << w.out << w.err;
}

// Aggregated discovery for clients that ask for it (kubectl does): one document per root.
TEST_F(KubeApiFront, AggregatedDiscovery) {
  std::string token = Token();
  auto get = [&](const std::string& path) {
    return http::Fetch({.url = "https://127.0.0.1:" + std::to_string(api_port_) + path,
                        .headers = {{"Authorization", "Bearer " + token},
                                    {"Accept", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                                               "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
                                               "application/json"}},
                        .ca_file = dir_.path() + "/state/ca.crt"});
  };
  auto core = get("/api");
  ASSERT_TRUE(core);
  EXPECT_EQ(*core->Header("Content-Type"), "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  auto doc = boost::json::parse(core->body);
  EXPECT_EQ(doc.at("kind").as_string(), "APIGroupDiscoveryList");
  ASSERT_EQ(doc.at("items").as_array().size(), 1u);
  const auto& v1 = doc.at("items").at(0).at("versions").at(0);
  EXPECT_EQ(v1.at("version").as_string(), "v1");
  bool pods = false;
  for (const auto& r : v1.at("resources").as_array()) {
    if (r.at("resource") == "pods") {
      pods = true;
      EXPECT_EQ(r.at("scope").as_string(), "Namespaced");
      EXPECT_EQ(r.at("responseKind").at("kind").as_string(), "Pod");
    }
  }
  EXPECT_TRUE(pods);
  auto groups = get("/apis");
  ASSERT_TRUE(groups);
  // Only what is served: the review APIs, not apps (the objects folder holds no deployments).
  EXPECT_NE(groups->body.find(R"({"metadata":{"name":"authorization.k8s.io","creationTimestamp":null})"), std::string::npos)
      << groups->body;
  EXPECT_EQ(groups->body.find(R"("name":"apps")"), std::string::npos) << groups->body;
  EXPECT_EQ(groups->body.find(R"("name":"")"), std::string::npos);
  // Without asking for it: the legacy documents.
  auto legacy = http::Fetch({.url = "https://127.0.0.1:" + std::to_string(api_port_) + "/api",
                             .headers = {{"Authorization", "Bearer " + token}}, .ca_file = dir_.path() + "/state/ca.crt"});
  ASSERT_TRUE(legacy);
  EXPECT_EQ(boost::json::parse(legacy->body).at("kind").as_string(), "APIVersions");
}

}  // namespace
}  // namespace kubeiam
