// kubeiam against independent implementations on this machine: botocore's presigner must
// produce kubeiam's URL byte for byte, and tokens from the real `aws eks get-token` must pass
// kubeiam's signature verification.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "support/paths.h"
#include "aws/partitions.h"
#include "aws/sigv4.h"
#include "integration/cli_runner.h"
#include "support/fake_sts.h"
#include "support/temp_dir.h"
#include "token/decode.h"
#include "token/generate.h"
#include "util/strings.h"

namespace kubeiam {
namespace {

using testing::FakeSts;
using testing::TempDir;

// No awscli or botocore run may leave the machine: IMDS is off, and every host but loopback
// goes through a proxy address where nothing listens.
std::map<std::string, std::string> IsolatedEnv(const TempDir& home) {
  return {{"HOME", home.path()},
          {"AWS_EC2_METADATA_DISABLED", "true"},
          {"AWS_CONFIG_FILE", "/dev/null"},
          {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"},
          {"HTTPS_PROXY", "http://127.0.0.1:9"},
          {"HTTP_PROXY", "http://127.0.0.1:9"},
          {"NO_PROXY", "127.0.0.1,localhost"}};
}

struct PresignCase {
  std::string key, secret, session_token, region, cluster, endpoint;
};

TEST(Botocore, PresignedUrlIsByteForByteTheSame) {
  TempDir home;
  const PresignCase cases[] = {
      {"ASIAR2TG44V6AS3ZZE7C", "4KD5cntGcVmLWRdF5wvNRuzNL5Qxmp6OKVY6Fz/Q", "", "us-west-2", "test-cluster", ""},
      {"ASIAEXAMPLE2", "secret/with+chars=", "FwoGZXIvYXdzE//////////token+with/slashes==", "cn-north-1", "prod", ""},
      {"AKIDEXAMPLE", "s3cr3t", "", "us-east-1", "a-cluster.with.dots_and-dashes", ""},
      {"AKIDEXAMPLE", "s3cr3t", "tok", "eu-west-1", "local", "http://127.0.0.1:4566"},
      {"AKIDEXAMPLE", "s3cr3t", "", "us-gov-west-1", "gov", ""},
  };
  const TimePoint when(std::chrono::seconds(1700000000));
  for (const auto& c : cases) {
    std::vector<std::string> argv = {"python3", std::string(KUBEIAM_TEST_DIR) + "/integration/botocore_presign.py",
                                     c.key, c.secret, c.session_token, c.region, c.cluster, "1700000000"};
    if (!c.endpoint.empty()) argv.push_back(c.endpoint);
    auto o = testing::Run(argv, IsolatedEnv(home));
    ASSERT_EQ(o.exit_code, 0) << o.err;
    std::string url = c.endpoint.empty() ? "https://" + *aws::StsHost(c.region) : c.endpoint;
    auto t = token::Generate(c.cluster, aws::Credentials{c.key, c.secret, c.session_token, std::nullopt, "t"}, url,
                             c.region, when);
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(t->url, std::string(Trim(o.out))) << c.region;
  }
}

TEST(AwsCli, EksGetTokenVerifies) {
  TempDir home;
  auto env = IsolatedEnv(home);
  env["AWS_ACCESS_KEY_ID"] = "AKIDAWSCLI";
  env["AWS_SECRET_ACCESS_KEY"] = "awscli-secret-key";
  env["AWS_SESSION_TOKEN"] = "awscli-session/token+=";
  auto o = testing::Run({"aws", "eks", "get-token", "--cluster-name", "demo", "--region", "ap-southeast-2"}, env);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  auto doc = boost::json::parse(o.out).as_object();
  std::string tok = doc.at("status").at("token").as_string().c_str();
  auto url = token::Decode(tok);
  ASSERT_TRUE(url.has_value()) << url.error().message;
  EXPECT_EQ(url->host, "sts.ap-southeast-2.amazonaws.com");
  auto req = token::ToSignableRequest(*url, "demo");
  ASSERT_TRUE(req.has_value());
  auto auth = aws::ParseAuthentication(*req);
  ASSERT_TRUE(auth.has_value()) << auth.error().message;
  EXPECT_EQ(auth->access_key_id, "AKIDAWSCLI");
  EXPECT_EQ(auth->session_token, "awscli-session/token+=");
  EXPECT_TRUE(aws::VerifySignature(*req, *auth, "awscli-secret-key").has_value());
  EXPECT_FALSE(aws::VerifySignature(*req, *auth, "another-secret").has_value());
  auto other_cluster = token::ToSignableRequest(*url, "not-demo");
  EXPECT_FALSE(aws::VerifySignature(*other_cluster, *auth, "awscli-secret-key").has_value());
}

TEST(AwsCli, AssumeRoleSignedByBotocoreVerifiesAgainstKubeiam) {
  // awscli signs AssumeRole (header SigV4, form body) and sends it to our loopback STS, which
  // checks the signature with kubeiam's verifier; the token then carries the issued keys.
  TempDir home;
  FakeSts sts(testing::Secrets{{"AKIDAWSCLI", "awscli-secret-key"}});
  auto env = IsolatedEnv(home);
  env["AWS_ACCESS_KEY_ID"] = "AKIDAWSCLI";
  env["AWS_SECRET_ACCESS_KEY"] = "awscli-secret-key";
  env["AWS_ENDPOINT_URL_STS"] = sts.url();
  std::string role = "arn:aws:iam::111122223333:role/EksAdmin";
  // Older awscli releases ignore AWS_ENDPOINT_URL_STS; find out with a harmless call first.
  auto probe = testing::Run({"aws", "sts", "get-caller-identity", "--region", "us-east-1"}, env);
  if (sts.requests().empty()) GTEST_SKIP() << "this awscli does not honour AWS_ENDPOINT_URL_STS";
  ASSERT_EQ(probe.exit_code, 0) << probe.err;
  size_t before = sts.requests().size();
  auto o = testing::Run({"aws", "eks", "get-token", "--cluster-name", "demo", "--region", "us-east-1", "--role-arn", role},
                        env);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  ASSERT_EQ(sts.requests().size(), before + 1);
  EXPECT_EQ(FakeSts::FormValue(sts.requests().back(), "RoleSessionName"), "EKSGetTokenAuth");
  std::string tok = boost::json::parse(o.out).at("status").at("token").as_string().c_str();
  auto url = token::Decode(tok);
  auto req = token::ToSignableRequest(*url, "demo");
  auto auth = aws::ParseAuthentication(*req);
  ASSERT_TRUE(auth.has_value());
  std::string issued = FakeSts::IssuedKeyFor(role);
  EXPECT_EQ(auth->access_key_id, issued);
  EXPECT_TRUE(aws::VerifySignature(*req, *auth, "secret-for-" + issued).has_value());
}

}  // namespace
}  // namespace kubeiam
