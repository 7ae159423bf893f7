// The EKS access API of `kubeiam serve`, driven by the real awscli (`aws eks ... --endpoint-url`):
// every route, EKS's errors, who may write, the lock-out guard, and tokens gaining and losing
// access live as entries and the authentication mode change (spec/eks-access.md §2.5, §8).
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

constexpr char kViewer[] = "arn:aws:iam::111122223333:user/viewer";
constexpr char kTestUser[] = "arn:aws:iam::111122223333:user/testuser";
constexpr char kView[] = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";
constexpr char kAdmin[] = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class EksApi : public ::testing::Test {
 protected:
  // A fresh server and store per test: ctest runs each test on its own.
  void SetUp() override {
    dir_ = new testing::TempDir();
    port_ = testing::FreePort();
    sts_port_ = testing::FreePort();
    api_port_ = testing::FreePort();
    std::string examples = std::string(KUBEIAM_TEST_DIR) + "/../examples/local";
    std::filesystem::copy_file(examples + "/principals.yaml", dir_->path() + "/principals.yaml");
    // aws-auth makes the KubernetesAdmin role the cluster's only administrator.
    dir_->Write("aws-auth.yaml", R"(apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/KubernetesAdmin
      username: admin:{{SessionName}}
      groups: [system:masters]
)");
    dir_->Write("config.yaml", "clusterID: demo\nserver:\n  port: " + std::to_string(port_) +
                                   "\n  stateDir: ./state\n  backendMode: [EKSConfigMap]\n  awsAuthFile: ./aws-auth.yaml\n"
                                   "eksAPI:\n  port: " + std::to_string(api_port_) +
                                   "\n  accountID: \"111122223333\"\nsts:\n  local:\n    principals: ./principals.yaml\n"
                                   "    port: " + std::to_string(sts_port_) + "\n");
    StartServer();
    // The administrator: testuser assumes KubernetesAdmin.
    Outcome creds = testing::Run({"aws", "sts", "assume-role", "--endpoint-url", Url(sts_port_, ""), "--role-arn",
                                  "arn:aws:iam::111122223333:role/KubernetesAdmin", "--role-session-name", "ops",
                                  "--output", "json"},
                                 Env("AKIAEXAMPLETESTUSER1", "kubeiamExampleSecretKeyDoNotUseAnywhere0"));
    ASSERT_EQ(creds.exit_code, 0) << creds.err << Slurp(dir_->path() + "/serve.log");
    auto c = boost::json::parse(creds.out).at("Credentials").as_object();
    admin_ = new std::map<std::string, std::string>(
        Env(std::string(c.at("AccessKeyId").as_string()), std::string(c.at("SecretAccessKey").as_string())));
    (*admin_)["AWS_SESSION_TOKEN"] = std::string(c.at("SessionToken").as_string());
  }
  void TearDown() override {
    EXPECT_EQ(server_->Stop(), 0);
    delete server_;
    delete admin_;
    delete dir_;
  }

  static void StartServer() {
    server_ = new testing::Process({KUBEIAM_BINARY, "serve", "--config", dir_->path() + "/config.yaml"},
                                   {{"PATH", "/usr/bin:/bin"}}, dir_->path() + "/serve.log");
    for (int i = 0; i < 100; ++i) {
      auto r = http::Fetch({.url = Url(port_, "/healthz"), .timeout = std::chrono::milliseconds(500), .ca_file = Ca()});
      if (r && r->status == 200) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  static std::string Url(int port, const std::string& path) { return "https://127.0.0.1:" + std::to_string(port) + path; }
  static std::string Ca() { return dir_->path() + "/state/ca.crt"; }
  static std::map<std::string, std::string> Env(const std::string& key, const std::string& secret) {
    return {{"HOME", dir_->path()},          {"PATH", "/usr/bin:/bin:" + std::string(getenv("PATH") ? getenv("PATH") : "")},
            {"AWS_EC2_METADATA_DISABLED", "true"}, {"AWS_CONFIG_FILE", "/dev/null"},
            {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}, {"AWS_ACCESS_KEY_ID", key},
            {"AWS_SECRET_ACCESS_KEY", secret},  {"AWS_CA_BUNDLE", Ca()},
            {"AWS_DEFAULT_REGION", "us-east-1"}, {"HTTPS_PROXY", "http://127.0.0.1:9"},
            {"NO_PROXY", "127.0.0.1,localhost"}};
  }
  static std::map<std::string, std::string> TestUser() {
    return Env("AKIAEXAMPLETESTUSER1", "kubeiamExampleSecretKeyDoNotUseAnywhere0");
  }

  // `aws eks ARGS --endpoint-url ... --output json` as `who`.
  static Outcome Eks(std::vector<std::string> args, const std::map<std::string, std::string>& who) {
    args.insert(args.begin(), {"aws", "eks"});
    args.insert(args.end(), {"--endpoint-url", Url(api_port_, ""), "--output", "json"});
    return testing::Run(args, who);
  }
  static boost::json::value Ok(const Outcome& o) {
    EXPECT_EQ(o.exit_code, 0) << o.err;
    return o.out.empty() ? boost::json::value() : boost::json::parse(o.out);
  }

  // /authenticate for a token of `key`: the username, or "" when refused.
  static std::string Login(const std::string& key, const std::string& secret) {
    Outcome t = testing::Run({KUBEIAM_BINARY, "token", "-i", "demo", "--sts-endpoint", Url(sts_port_, ""), "--token-only"},
                             Env(key, secret));
    std::string token = t.out.substr(0, t.out.find('\n'));
    auto r = http::Fetch({.method = "POST", .url = Url(port_, "/authenticate"),
                          .body = R"({"spec":{"token":")" + token + R"("}})", .ca_file = Ca()});
    auto doc = boost::json::parse(r->body);
    const auto& status = doc.at("status").as_object();
    return status.at("authenticated").as_bool() ? std::string(status.at("user").at("username").as_string()) : "";
  }

  static testing::TempDir* dir_;
  static testing::Process* server_;
  static std::map<std::string, std::string>* admin_;
  static int port_, sts_port_, api_port_;
};

testing::TempDir* EksApi::dir_ = nullptr;
testing::Process* EksApi::server_ = nullptr;
std::map<std::string, std::string>* EksApi::admin_ = nullptr;
int EksApi::port_ = 0, EksApi::sts_port_ = 0, EksApi::api_port_ = 0;

TEST_F(EksApi, AwsCliDrivesEveryRoute) {
  auto cluster = Ok(Eks({"describe-cluster", "--name", "demo"}, *admin_));
  EXPECT_EQ(cluster.at("cluster").at("accessConfig").at("authenticationMode").as_string(), "API_AND_CONFIG_MAP");
  EXPECT_EQ(cluster.at("cluster").at("arn").as_string(), "arn:aws:eks:us-east-1:111122223333:cluster/demo");

  // T6: a user entry with the defaults.
  auto created = Ok(Eks({"create-access-entry", "--cluster-name", "demo", "--principal-arn", kViewer}, *admin_));
  const auto& e = created.at("accessEntry");
  EXPECT_EQ(e.at("username").as_string(), kViewer);
  EXPECT_EQ(e.at("type").as_string(), "STANDARD");
  EXPECT_TRUE(e.at("kubernetesGroups").as_array().empty());
  EXPECT_TRUE(std::string(e.at("accessEntryArn").as_string())
                  .starts_with("arn:aws:eks:us-east-1:111122223333:access-entry/demo/user/111122223333/viewer/"));
  // T10: again -> 409.
  Outcome dup = Eks({"create-access-entry", "--cluster-name", "demo", "--principal-arn", kViewer}, *admin_);
  EXPECT_NE(dup.exit_code, 0);
  EXPECT_NE(dup.err.find("An error occurred (ResourceInUseException) when calling the CreateAccessEntry operation: The "
                         "specified access entry resource is already in use on this cluster."),
            std::string::npos)
      << dup.err;
  // T9, T11 through the wire.
  Outcome masters = Eks({"create-access-entry", "--cluster-name", "demo", "--principal-arn",
                         "arn:aws:iam::111122223333:role/x", "--kubernetes-groups", "system:masters"},
                        *admin_);
  EXPECT_NE(masters.err.find("(InvalidParameterException) when calling the CreateAccessEntry operation: The kubernetes "
                             "group name system:masters is invalid, it cannot start with system:"),
            std::string::npos)
      << masters.err;
  Outcome session = Eks({"create-access-entry", "--cluster-name", "demo", "--principal-arn",
                         "arn:aws:sts::111122223333:assumed-role/x/y"},
                        *admin_);
  EXPECT_NE(session.err.find("The principalArn parameter format is not valid"), std::string::npos) << session.err;

  // Policies: associate (namespace scope), list, replace the scope, list-access-entries filter.
  auto assoc = Ok(Eks({"associate-access-policy", "--cluster-name", "demo", "--principal-arn", kViewer, "--policy-arn",
                       kView, "--access-scope", "type=namespace,namespaces=dev-*"},
                      *admin_));
  EXPECT_EQ(assoc.at("associatedAccessPolicy").at("accessScope").at("namespaces").as_array()[0].as_string(), "dev-*");
  Ok(Eks({"associate-access-policy", "--cluster-name", "demo", "--principal-arn", kViewer, "--policy-arn", kView,
          "--access-scope", "type=namespace,namespaces=dev-*,qa"},
         *admin_));
  auto listed = Ok(Eks({"list-associated-access-policies", "--cluster-name", "demo", "--principal-arn", kViewer}, *admin_));
  ASSERT_EQ(listed.at("associatedAccessPolicies").as_array().size(), 1u) << "associate is an upsert";
  EXPECT_EQ(listed.at("associatedAccessPolicies").at(0).at("accessScope").at("namespaces").as_array().size(), 2u);
  auto filtered = Ok(Eks({"list-access-entries", "--cluster-name", "demo", "--associated-policy-arn", kView}, *admin_));
  EXPECT_EQ(filtered.at("accessEntries").as_array().size(), 1u);

  // Update replaces groups (T13); describe shows it.
  Ok(Eks({"update-access-entry", "--cluster-name", "demo", "--principal-arn", kViewer, "--kubernetes-groups", "a", "b"}, *admin_));
  Ok(Eks({"update-access-entry", "--cluster-name", "demo", "--principal-arn", kViewer, "--kubernetes-groups", "tester"}, *admin_));
  auto described = Ok(Eks({"describe-access-entry", "--cluster-name", "demo", "--principal-arn", kViewer}, *admin_));
  EXPECT_EQ(described.at("accessEntry").at("kubernetesGroups").as_array().size(), 1u);

  // The catalogue, paged by awscli itself (T15: maxResults bounds).
  auto policies = Ok(Eks({"list-access-policies"}, *admin_));
  EXPECT_GE(policies.at("accessPolicies").as_array().size(), 20u);
  Outcome bad_page = Eks({"list-access-entries", "--cluster-name", "demo", "--max-results", "101"}, *admin_);
  EXPECT_NE(bad_page.exit_code, 0);
  auto paged = Ok(Eks({"list-access-policies", "--max-items", "5", "--page-size", "2"}, *admin_));
  EXPECT_EQ(paged.at("accessPolicies").as_array().size(), 5u);

  // Unknown cluster, missing entry.
  Outcome other = Eks({"list-access-entries", "--cluster-name", "nope"}, *admin_);
  EXPECT_NE(other.err.find("(ResourceNotFoundException) when calling the ListAccessEntries operation: No cluster found for "
                           "name: nope."),
            std::string::npos)
      << other.err;
  Outcome missing = Eks({"describe-access-entry", "--cluster-name", "demo", "--principal-arn", kTestUser}, *admin_);
  EXPECT_NE(missing.err.find("ResourceNotFoundException"), std::string::npos) << missing.err;

  // Disassociate, delete: no output, as EKS.
  Outcome dis = Eks({"disassociate-access-policy", "--cluster-name", "demo", "--principal-arn", kViewer, "--policy-arn", kView},
                    *admin_);
  EXPECT_EQ(dis.exit_code, 0) << dis.err;
  Outcome del = Eks({"delete-access-entry", "--cluster-name", "demo", "--principal-arn", kViewer}, *admin_);
  EXPECT_EQ(del.exit_code, 0) << del.err;
  EXPECT_TRUE(Ok(Eks({"list-access-entries", "--cluster-name", "demo"}, *admin_)).at("accessEntries").as_array().empty());
  // Each call left a log line: the caller, the route, the answer (EKS's error type when it failed).
  std::string log = Slurp(dir_->path() + "/serve.log");
  EXPECT_NE(log.find(R"("msg":"eksAPI request")"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("method":"DELETE","path":"/clusters/demo/access-entries/)"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("error":"ResourceNotFoundException")"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("caller":"arn:aws:sts::111122223333:assumed-role/KubernetesAdmin/ops")"), std::string::npos) << log;
  EXPECT_EQ(log.find("E-"), std::string::npos) << "latencies in plain decimals";
  auto metrics = http::Fetch({.url = Url(port_, "/metrics"), .ca_file = Ca()});
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find(R"(kubeiam_eksapi_requests_total{verb="delete",code="200"} 2)"), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find(R"(kubeiam_eksapi_requests_total{verb="get",code="404"})"), std::string::npos);
  EXPECT_NE(metrics->body.find("# TYPE kubeiam_eksapi_request_duration_seconds histogram\n"), std::string::npos);
}

TEST_F(EksApi, OnlyAdministratorsWriteAndNobodyLocksThemselvesOut) {
  // testuser is not mapped at all: it may read but not write.
  Outcome denied = Eks({"create-access-entry", "--cluster-name", "demo", "--principal-arn", kTestUser}, TestUser());
  EXPECT_NE(denied.err.find("(AccessDeniedException) when calling the CreateAccessEntry operation: User: " +
                            std::string(kTestUser) + " is not authorized to perform: eks:CreateAccessEntry"),
            std::string::npos)
      << denied.err;
  Ok(Eks({"list-access-entries", "--cluster-name", "demo"}, TestUser()));
  Outcome unsigned_call = testing::Run({"aws", "eks", "list-access-entries", "--cluster-name", "demo", "--endpoint-url",
                                        Url(api_port_, ""), "--no-sign-request"},
                                       TestUser());
  EXPECT_NE(unsigned_call.err.find("MissingAuthenticationTokenException"), std::string::npos) << unsigned_call.err;

  // testuser becomes an administrator through an access entry; its token gains access live.
  EXPECT_EQ(Login("AKIAEXAMPLETESTUSER1", "kubeiamExampleSecretKeyDoNotUseAnywhere0"), "");
  Ok(Eks({"create-access-entry", "--cluster-name", "demo", "--principal-arn", kTestUser}, *admin_));
  Ok(Eks({"associate-access-policy", "--cluster-name", "demo", "--principal-arn", kTestUser, "--policy-arn", kAdmin,
          "--access-scope", "type=cluster"},
         *admin_));
  EXPECT_EQ(Login("AKIAEXAMPLETESTUSER1", "kubeiamExampleSecretKeyDoNotUseAnywhere0"), kTestUser);
  // T2 through the API: to API (aws-auth's admin stops counting; testuser's entry remains), and never back.
  auto update = Ok(Eks({"update-cluster-config", "--name", "demo", "--access-config", "authenticationMode=API"}, TestUser()));
  EXPECT_EQ(update.at("update").at("type").as_string(), "AccessConfigUpdate");
  EXPECT_EQ(Ok(Eks({"describe-cluster", "--name", "demo"}, TestUser())).at("cluster").at("accessConfig").at("authenticationMode").as_string(),
            "API");
  Outcome back = Eks({"update-cluster-config", "--name", "demo", "--access-config", "authenticationMode=API_AND_CONFIG_MAP"},
                     TestUser());
  EXPECT_NE(back.err.find("InvalidParameterException"), std::string::npos) << back.err;
  // The role that was admin through aws-auth is now nobody (T4 under API).
  Outcome old_admin = Eks({"create-access-entry", "--cluster-name", "demo", "--principal-arn", kViewer}, *admin_);
  EXPECT_NE(old_admin.err.find("AccessDeniedException"), std::string::npos) << old_admin.err;
  // The last administrator cannot remove its own rights.
  Outcome lockout = Eks({"disassociate-access-policy", "--cluster-name", "demo", "--principal-arn", kTestUser,
                         "--policy-arn", kAdmin},
                        TestUser());
  EXPECT_NE(lockout.err.find("(InvalidRequestException) when calling the DisassociateAccessPolicy operation: This change "
                             "would leave the cluster without an administrator"),
            std::string::npos)
      << lockout.err;
  Outcome delete_self = Eks({"delete-access-entry", "--cluster-name", "demo", "--principal-arn", kTestUser}, TestUser());
  EXPECT_NE(delete_self.err.find("InvalidRequestException"), std::string::npos) << delete_self.err;

  // A kubeiam token works as the credential too (how callers with real IAM reach the API).
  Outcome t = testing::Run({KUBEIAM_BINARY, "token", "-i", "demo", "--sts-endpoint", Url(sts_port_, ""), "--token-only"},
                           TestUser());
  std::string token = t.out.substr(0, t.out.find('\n'));
  auto bearer = http::Fetch({.url = Url(api_port_, "/clusters/demo/access-entries"),
                             .headers = {{"Authorization", "Bearer " + token}}, .ca_file = Ca()});
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->status, 200) << bearer->body;
  EXPECT_NE(bearer->body.find(kTestUser), std::string::npos);
  // A retried create with the same clientRequestToken gets its entry; another token gets 409.
  auto create = [&](const std::string& request_token) {
    return http::Fetch({.method = "POST", .url = Url(api_port_, "/clusters/demo/access-entries"),
                        .headers = {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}},
                        .body = R"({"principalArn":"arn:aws:iam::111122223333:role/Retry","clientRequestToken":")" +
                                request_token + R"("})",
                        .ca_file = Ca()});
  };
  EXPECT_EQ(create("t-1")->status, 200);
  EXPECT_EQ(create("t-1")->status, 200) << "a retry";
  EXPECT_EQ(create("t-2")->status, 409);
  // Hostile shapes: a method no route has, a forged page token.
  auto odd = http::Fetch({.method = "DELETE", .url = Url(api_port_, "/clusters/demo/access-entries"),
                          .headers = {{"Authorization", "Bearer " + token}}, .ca_file = Ca()});
  EXPECT_EQ(odd->status, 404);
  auto page = http::Fetch({.url = Url(api_port_, "/access-policies?nextToken=b2Zmc2V0Oi0x"),  // "offset:-1"
                           .headers = {{"Authorization", "Bearer " + token}}, .ca_file = Ca()});
  EXPECT_EQ(page->status, 400);
  EXPECT_EQ(*page->Header("x-amzn-ErrorType"), "InvalidParameterException");
  auto forged = http::Fetch({.url = Url(api_port_, "/clusters/demo/access-entries"),
                             .headers = {{"Authorization", "Bearer k8s-aws-v1.bm9wZQ"}}, .ca_file = Ca()});
  EXPECT_EQ(forged->status, 403);
  EXPECT_EQ(*forged->Header("x-amzn-ErrorType"), "UnrecognizedClientException");
}

// T14: the API records the principal's unique ID; a principal deleted and recreated under the
// same ARN (a new ID) no longer gets in through the old entry. The store survives the restart.
TEST_F(EksApi, RecreatedPrincipalDoesNotInheritItsEntry) {
  Ok(Eks({"create-access-entry", "--cluster-name", "demo", "--principal-arn", kViewer}, *admin_));
  EXPECT_EQ(Login("AKIAEXAMPLEVIEWER001", "kubeiamViewerSecretKeyDoNotUseAnywhere00"), kViewer);
  EXPECT_EQ(server_->Stop(), 0);
  delete server_;
  std::string principals = Slurp(dir_->path() + "/principals.yaml");
  principals.replace(principals.find("AIDAEXAMPLEVIEWER001"), 20, "AIDAEXAMPLEVIEWER002");
  dir_->Write("principals.yaml", principals);
  StartServer();
  EXPECT_EQ(Login("AKIAEXAMPLEVIEWER001", "kubeiamViewerSecretKeyDoNotUseAnywhere00"), "");
  auto entry = Ok(Eks({"describe-access-entry", "--cluster-name", "demo", "--principal-arn", kViewer}, *admin_));
  EXPECT_EQ(entry.at("accessEntry").at("principalArn").as_string(), kViewer) << "the entry is still there";
}

// kubeiam access-entry: the same operations through the API (signed with the caller's AWS
// credentials) and directly on the store file, which the running server picks up live.
TEST_F(EksApi, AccessEntryCommandThroughTheApiAndOnTheStore) {
  auto kubeiam = [&](std::vector<std::string> args, const std::map<std::string, std::string>& env) {
    args.insert(args.begin(), {KUBEIAM_BINARY, "access-entry"});
    return testing::Run(args, env);
  };
  const std::string endpoint = Url(api_port_, "");
  // testuser becomes the only administrator: an entry with ClusterAdmin, then API mode.
  Ok(Eks({"create-access-entry", "--cluster-name", "demo", "--principal-arn", kTestUser}, *admin_));
  Ok(Eks({"associate-access-policy", "--cluster-name", "demo", "--principal-arn", kTestUser, "--policy-arn", kAdmin,
          "--access-scope", "type=cluster"},
         *admin_));
  Ok(Eks({"update-cluster-config", "--name", "demo", "--access-config", "authenticationMode=API"}, TestUser()));
  Outcome listed = kubeiam({"list", "--cluster-name", "demo", "--endpoint-url", endpoint}, TestUser());
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find(kTestUser), std::string::npos) << listed.out;
  // The same with a kubeiam token instead of SigV4 (how real IAM callers authenticate).
  Outcome bearer = kubeiam({"list", "--cluster-name", "demo", "--endpoint-url", endpoint, "--bearer-token", "--sts-endpoint",
                            Url(sts_port_, "")},
                           TestUser());
  ASSERT_EQ(bearer.exit_code, 0) << bearer.err;
  EXPECT_EQ(bearer.out, listed.out);
  Outcome denied = kubeiam({"create", "--cluster-name", "demo", "--principal-arn", kViewer, "--endpoint-url", endpoint},
                           Env("AKIAEXAMPLEOUTSIDER1", "kubeiamOutsiderSecretKeyDoNotUseAnywhere"));
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_NE(denied.err.find("An error occurred (AccessDeniedException) when calling the CreateAccessEntry operation"),
            std::string::npos)
      << denied.err;

  // On the store file, through the server's config: the viewer gains access while the server runs.
  EXPECT_EQ(Login("AKIAEXAMPLEVIEWER001", "kubeiamViewerSecretKeyDoNotUseAnywhere00"), "");
  std::map<std::string, std::string> none = {{"PATH", "/usr/bin:/bin"}};
  std::string config = dir_->path() + "/config.yaml";
  Outcome created = kubeiam({"create", "--config", config, "--cluster-name", "demo", "--principal-arn", kViewer,
                             "--kubernetes-groups", "pod-viewer", "--username", "viewer:{{SessionName}}"},
                            none);
  ASSERT_EQ(created.exit_code, 0) << created.err;
  auto entry = boost::json::parse(created.out).at("accessEntry");
  EXPECT_EQ(entry.at("username").as_string(), "viewer:{{SessionName}}");
  std::string name;
  // The server polls the store four times a second; a second is the promise, two the margin for a
  // loaded (sanitizer) machine, where minting and posting a token also take time.
  auto written = std::chrono::steady_clock::now();
  while (name.empty() && std::chrono::steady_clock::now() - written < std::chrono::seconds(2)) {
    name = Login("AKIAEXAMPLEVIEWER001", "kubeiamViewerSecretKeyDoNotUseAnywhere00");
    if (name.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(name, "viewer:") << "soon after the write (a user has no session name)";
  // Errors as aws eks prints them, exit 1; usage errors exit 2.
  Outcome bad = kubeiam({"create", "--config", config, "--cluster-name", "demo", "--principal-arn", kViewer}, none);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("(ResourceInUseException) when calling the CreateAccessEntry operation"), std::string::npos);
  EXPECT_EQ(kubeiam({"create", "--config", config, "--cluster-name", "demo"}, none).exit_code, 2);
  EXPECT_EQ(kubeiam({"associate-policy", "--config", config, "--cluster-name", "demo", "--principal-arn", kViewer,
                     "--policy-arn", "AmazonEKSViewPolicy", "--access-scope", "kind=namespace"},
                    none)
                .exit_code,
            2);
  Outcome assoc = kubeiam({"associate-policy", "--config", config, "--cluster-name", "demo", "--principal-arn", kViewer,
                           "--policy-arn", "AmazonEKSViewPolicy", "--access-scope", "type=namespace,namespaces=dev-*,qa"},
                          none);
  ASSERT_EQ(assoc.exit_code, 0) << assoc.err;
  EXPECT_EQ(boost::json::parse(assoc.out).at("associatedAccessPolicy").at("accessScope").at("namespaces").as_array().size(), 2u);
  // Every output format prints what aws eks prints for the same answer, timestamps in ISO 8601 as
  // awscli v2 (and v1 with cli_timestamp_format = iso8601) prints them. yaml is v2's alone.
  std::map<std::string, std::string> iso = TestUser();
  iso["AWS_CONFIG_FILE"] = dir_->Write("aws-config", "[default]\ncli_timestamp_format = iso8601\n");
  const std::vector<std::vector<std::string>> reads = {
      {"describe-access-entry", "--cluster-name", "demo", "--principal-arn", kViewer},
      {"list-associated-access-policies", "--cluster-name", "demo", "--principal-arn", kViewer},
      {"list-access-entries", "--cluster-name", "demo"},
      {"list-access-policies"},
      {"list-access-policies", "--page-size", "3"},
      {"list-access-policies", "--max-results", "3"}};
  for (const auto& read : reads) {
    for (std::string format : {"json", "text", "table"}) {
      std::vector<std::string> args = read;
      args.insert(args.end(), {"--endpoint-url", endpoint, "--output", format});
      std::vector<std::string> aws = args;
      aws.insert(aws.begin(), {"aws", "eks"});
      Outcome theirs = testing::Run(aws, iso);
      Outcome ours = kubeiam(args, TestUser());
      ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
      EXPECT_EQ(ours.out, theirs.out) << read[0] << " --output " << format << "\n" << ours.err;
    }
  }
  Outcome one_page = kubeiam({"list-access-policies", "--endpoint-url", endpoint, "--max-results", "3"}, TestUser());
  EXPECT_NE(one_page.out.find("\"nextToken\""), std::string::npos) << one_page.out;
  // The lock-out guard holds on the store too: testuser is the last administrator.
  Outcome lockout = kubeiam({"delete", "--config", config, "--cluster-name", "demo", "--principal-arn", kTestUser}, none);
  EXPECT_EQ(lockout.exit_code, 1);
  EXPECT_NE(lockout.err.find("would leave the cluster without an administrator"), std::string::npos) << lockout.err;
  Outcome deleted = kubeiam({"delete", "--config", config, "--cluster-name", "demo", "--principal-arn", kViewer}, none);
  EXPECT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_EQ(deleted.out, "");
  // And loses it again, live.
  auto removed = std::chrono::steady_clock::now();
  while (!name.empty() && std::chrono::steady_clock::now() - removed < std::chrono::seconds(2)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    name = Login("AKIAEXAMPLEVIEWER001", "kubeiamViewerSecretKeyDoNotUseAnywhere00");
  }
  EXPECT_EQ(name, "") << "the deleted entry stops mapping soon after the write";
}

}  // namespace
}  // namespace kubeiam

namespace kubeiam {
namespace {

// A full disk (here: a file-size limit on the server, so writes past it fail as they do when the
// disk is full): the write is refused with EKS's ServerException, nothing changes, the server
// says why in its log and keeps serving; with room again, every acknowledged write is there.
TEST_F(EksApi, AFullDiskRefusesWritesAndLosesNothing) {
  Ok(Eks({"create-access-entry", "--cluster-name", "demo", "--principal-arn", kViewer}, *admin_));
  auto entries = [&] { return Ok(Eks({"list-access-entries", "--cluster-name", "demo"}, *admin_)).at("accessEntries").as_array().size(); };
  size_t before = entries();
  server_->Stop();
  delete server_;
  // Room for SQLite's 32 KiB shared-memory index and a few pages of log, no more.
  server_ = new testing::Process({"/usr/bin/prlimit", "--fsize=49152", KUBEIAM_BINARY, "serve", "--config",
                                  dir_->path() + "/config.yaml"},
                                 {{"PATH", "/usr/bin:/bin"}}, dir_->path() + "/serve.log");
  for (int i = 0; i < 100; ++i) {
    auto r = http::Fetch({.url = Url(port_, "/healthz"), .timeout = std::chrono::milliseconds(500), .ca_file = Ca()});
    if (r && r->status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Outcome full;
  int created = 0;
  for (int i = 0; i < 16; ++i) {
    full = Eks({"create-access-entry", "--cluster-name", "demo", "--principal-arn",
                "arn:aws:iam::111122223333:role/Filler" + std::to_string(i), "--kubernetes-groups", "fillers"},
               *admin_);
    if (full.exit_code != 0) break;
    ++created;
  }
  ASSERT_NE(full.exit_code, 0) << "a 48 KiB limit never filled: " << Slurp(dir_->path() + "/serve.log");
  EXPECT_NE(full.err.find("ServerException"), std::string::npos) << full.err;
  // Still serving: reads answer, and the refused write left nothing behind.
  EXPECT_EQ(entries(), before + size_t(created));
  auto health = http::Fetch({.url = Url(port_, "/healthz"), .ca_file = Ca()});
  ASSERT_TRUE(health.has_value());
  EXPECT_EQ(health->status, 200);
  server_->Stop();
  EXPECT_NE(Slurp(dir_->path() + "/serve.log").find("access-entry store write failed; nothing was changed"),
            std::string::npos)
      << Slurp(dir_->path() + "/serve.log");
  delete server_;
  StartServer();
  EXPECT_EQ(entries(), before + size_t(created));
  Ok(Eks({"create-access-entry", "--cluster-name", "demo", "--principal-arn",
          "arn:aws:iam::111122223333:role/AfterTheDiskWasFull"}, *admin_));
}

}  // namespace
}  // namespace kubeiam
