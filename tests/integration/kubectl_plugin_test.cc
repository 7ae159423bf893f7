// The real kubectl runs `kubeiam token` as its exec credential plugin and sends the token to a
// loopback API server stand-in, which checks it was signed for the cluster.
#include <gtest/gtest.h>

#include "support/paths.h"
#include "aws/sigv4.h"
#include "integration/cli_runner.h"
#include "support/fake_http_server.h"
#include "support/temp_dir.h"
#include "token/decode.h"

namespace kubeiam {
namespace {

using testing::CannedResponse;
using testing::FakeHttpServer;
using testing::SeenRequest;
using testing::TempDir;

// kubectl's client minor version, from `kubectl version --client -o json` ("32+" -> 32).
int KubectlMinor() {
  auto o = testing::Run({"kubectl", "version", "--client", "-o", "json"}, {});
  auto pos = o.out.find("\"minor\"");
  if (pos == std::string::npos) return 0;
  pos = o.out.find('"', o.out.find(':', pos)) + 1;
  return std::atoi(o.out.c_str() + pos);
}

class Kubectl : public ::testing::TestWithParam<std::string> {};

TEST_P(Kubectl, ExecPluginTokenReachesTheApiServer) {
  if (GetParam().ends_with("/v1") && KubectlMinor() < 22) GTEST_SKIP() << "kubectl before 1.22 has no exec v1";
  TempDir home;
  // kubectl sends exec-plugin credentials only over TLS.
  ASSERT_TRUE(testing::MakeSelfSignedCert(home.path()));
  FakeHttpServer api([](const SeenRequest& r) {
    if (r.target == "/version") {
      return CannedResponse{200, R"({"major":"1","minor":"30","gitVersion":"v1.30.0"})", "application/json"};
    }
    return CannedResponse{404, "{}", "application/json"};
  }, home.path() + "/cert.pem", home.path() + "/key.pem");
  std::string kubeconfig = home.Write(".kube/config", R"(apiVersion: v1
kind: Config
clusters:
- name: demo
  cluster:
    server: )" + api.url() + R"(
    certificate-authority: )" + home.path() + R"(/cert.pem
contexts:
- name: demo
  context: {cluster: demo, user: iam}
current-context: demo
users:
- name: iam
  user:
    exec:
      apiVersion: )" + GetParam() + R"(
      command: )" + std::string(KUBEIAM_BINARY) + R"(
      args: [token, --cluster-id, demo-cluster, --region, us-west-2]
      interactiveMode: Never
      env:
      - {name: AWS_ACCESS_KEY_ID, value: AKIDKUBECTL}
      - {name: AWS_SECRET_ACCESS_KEY, value: kubectl-secret}
)");
  auto o = testing::Run({"kubectl", "--kubeconfig", kubeconfig, "get", "--raw", "/version"},
                        {{"HOME", home.path()},
                         {"AWS_EC2_METADATA_DISABLED", "true"},
                         {"AWS_CONFIG_FILE", "/dev/null"},
                         {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("v1.30.0"), std::string::npos);
  auto reqs = api.requests();
  ASSERT_FALSE(reqs.empty());
  std::string auth = reqs.back().Header("Authorization");
  ASSERT_TRUE(auth.starts_with("Bearer k8s-aws-v1.")) << auth;
  auto url = token::Decode(auth.substr(7));
  ASSERT_TRUE(url.has_value());
  auto req = token::ToSignableRequest(*url, "demo-cluster");
  auto parsed = aws::ParseAuthentication(*req);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->access_key_id, "AKIDKUBECTL");
  EXPECT_TRUE(aws::VerifySignature(*req, *parsed, "kubectl-secret").has_value());
}

INSTANTIATE_TEST_SUITE_P(ExecApi, Kubectl,
                         ::testing::Values("client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"),
                         [](const auto& info) { return info.param.substr(info.param.rfind('/') + 1); });

}  // namespace
}  // namespace kubeiam
