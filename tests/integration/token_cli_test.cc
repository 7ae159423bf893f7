// `kubeiam token` as kubectl runs it: the real binary, a temp HOME, a loopback STS.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <set>
#include <thread>
#include <filesystem>
#include <future>

#include "support/paths.h"
#include "aws/sigv4.h"
#include "integration/cli_runner.h"
#include "support/fake_sts.h"
#include "support/temp_dir.h"
#include "token/decode.h"
#include "util/file.h"

namespace kubeiam {
namespace {

using testing::FakeSts;
using testing::Outcome;
using testing::TempDir;

constexpr char kKey[] = "AKIDEXAMPLEUSER";
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

class TokenCli : public ::testing::Test {
 protected:
  std::map<std::string, std::string> Env() const {
    return {{"HOME", home.path()},
            {"AWS_EC2_METADATA_DISABLED", "true"},
            {"AWS_CONFIG_FILE", home.path() + "/.aws/config"},
            {"AWS_SHARED_CREDENTIALS_FILE", home.path() + "/.aws/credentials"},
            {"AWS_ACCESS_KEY_ID", kKey},
            {"AWS_SECRET_ACCESS_KEY", kSecret}};
  }
  Outcome Token(std::vector<std::string> args, std::map<std::string, std::string> env) const {
    args.insert(args.begin(), {KUBEIAM_BINARY, "token"});
    return testing::Run(args, env);
  }
  Outcome Token(std::vector<std::string> args) const { return Token(std::move(args), Env()); }

  static boost::json::object Parse(const std::string& out) { return boost::json::parse(out).as_object(); }
  static std::string TokenOf(const Outcome& o) {
    return Parse(o.out).at("status").at("token").as_string().c_str();
  }
  // Access key id that signed `token`, after checking the signature with `secret` for `cluster`.
  static std::string SignerOf(const std::string& token, const std::string& cluster, const std::string& secret) {
    auto url = token::Decode(token);
    EXPECT_TRUE(url.has_value());
    auto req = token::ToSignableRequest(*url, cluster);
    auto auth = aws::ParseAuthentication(*req);
    EXPECT_TRUE(auth.has_value());
    EXPECT_TRUE(aws::VerifySignature(*req, *auth, secret).has_value()) << "signature for " << cluster;
    return auth->access_key_id;
  }
  TempDir home;
};

TEST_F(TokenCli, PrintsAnExecCredentialThatVerifies) {
  Outcome o = Token({"-i", "demo", "--region", "eu-central-1"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  auto j = Parse(o.out);
  EXPECT_EQ(j.at("kind").as_string(), "ExecCredential");
  EXPECT_EQ(j.at("apiVersion").as_string(), "client.authentication.k8s.io/v1beta1");
  std::string tok = TokenOf(o);
  EXPECT_TRUE(tok.starts_with("k8s-aws-v1."));
  EXPECT_EQ(SignerOf(tok, "demo", kSecret), kKey);
  EXPECT_EQ(token::Decode(tok)->host, "sts.eu-central-1.amazonaws.com");
  auto exp = ParseRfc3339(j.at("status").at("expirationTimestamp").as_string().c_str());
  ASSERT_TRUE(exp.has_value());
  auto left = *exp - Clock::now();
  EXPECT_GT(left, std::chrono::minutes(13));
  EXPECT_LE(left, std::chrono::minutes(14));
}

TEST_F(TokenCli, HonoursKubernetesExecInfoAndTokenOnly) {
  auto env = Env();
  env["KUBERNETES_EXEC_INFO"] = R"({"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}})";
  Outcome o = Token({"--cluster-name", "demo"}, env);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(Parse(o.out).at("apiVersion").as_string(), "client.authentication.k8s.io/v1");
  Outcome bare = Token({"-i", "demo", "--token-only"});
  ASSERT_EQ(bare.exit_code, 0);
  EXPECT_TRUE(bare.out.starts_with("k8s-aws-v1."));
  EXPECT_EQ(bare.out.back(), '\n');
}

TEST_F(TokenCli, ErrorsAndExitCodes) {
  auto env = Env();
  env.erase("AWS_ACCESS_KEY_ID");
  env.erase("AWS_SECRET_ACCESS_KEY");
  Outcome none = Token({"-i", "demo"}, env);
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_EQ(none.out, "");
  EXPECT_NE(none.err.find("Unable to locate credentials"), std::string::npos) << none.err;

  Outcome unknown = Token({"-i", "demo", "--no-such-flag"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.out, "");

  Outcome no_cluster = Token({});
  EXPECT_EQ(no_cluster.exit_code, 1);
  EXPECT_NE(no_cluster.err.find("cluster ID not specified"), std::string::npos);

  Outcome bad_role = Token({"-i", "demo", "--role", "not-an-arn"});
  EXPECT_EQ(bad_role.exit_code, 1);
  EXPECT_NE(bad_role.err.find("--role must be an IAM role ARN"), std::string::npos);

  Outcome both = Token({"-i", "demo", "--role", "arn:aws:iam::1:role/R", "--session-name", "ab", "--forward-session-name"});
  EXPECT_EQ(both.exit_code, 1);
  EXPECT_NE(both.err.find("cannot specify both --forward-session-name and --session-name"), std::string::npos);

  Outcome bad_region = Token({"-i", "demo", "--region", "us_east_1"});
  EXPECT_EQ(bad_region.exit_code, 1);
  EXPECT_NE(bad_region.err.find("is not a valid region identifier"), std::string::npos);
}

TEST_F(TokenCli, AssumesTheRoleAndCapsExpiryAtTheRoleCredentials) {
  FakeSts sts(testing::Secrets{{kKey, kSecret}});
  sts.expiration = FormatRfc3339(Clock::now() + std::chrono::minutes(6));
  std::string role = "arn:aws:iam::111122223333:role/KubernetesAdmin";
  Outcome o = Token({"-i", "demo", "--role", role, "--sts-endpoint", sts.url(), "--external-id", "ext-1",
                     "--session-name", "alice"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  std::string issued = FakeSts::IssuedKeyFor(role);
  EXPECT_EQ(SignerOf(TokenOf(o), "demo", "secret-for-" + issued), issued);
  auto req = sts.requests().at(0);
  EXPECT_EQ(FakeSts::FormValue(req, "RoleSessionName"), "alice");
  EXPECT_EQ(FakeSts::FormValue(req, "ExternalId"), "ext-1");
  auto exp = *ParseRfc3339(Parse(o.out).at("status").at("expirationTimestamp").as_string().c_str());
  EXPECT_LE(exp - Clock::now(), std::chrono::minutes(6));
  // The presigned URL goes to the same endpoint, carrying the session token.
  auto url = token::Decode(TokenOf(o));
  EXPECT_EQ(url->scheme + "://" + url->host, sts.url());
  EXPECT_NE(url->raw_query.find("X-Amz-Security-Token=token-for-" + issued), std::string::npos);
}

TEST_F(TokenCli, StsOverTlsTrustsOnlyTheConfiguredBundle) {
  ASSERT_TRUE(testing::MakeSelfSignedCert(home.path()));
  FakeSts sts(testing::Secrets{{kKey, kSecret}}, home.path() + "/cert.pem", home.path() + "/key.pem");
  ASSERT_TRUE(sts.url().starts_with("https://"));
  std::vector<std::string> args = {"-i", "demo", "--role", "arn:aws:iam::1:role/R", "--sts-endpoint", sts.url()};
  Outcome untrusted = Token(args);
  EXPECT_EQ(untrusted.exit_code, 1);
  EXPECT_NE(untrusted.err.find("certificate verify failed"), std::string::npos) << untrusted.err;
  EXPECT_TRUE(sts.requests().empty());
  auto env = Env();
  env["AWS_CA_BUNDLE"] = home.path() + "/cert.pem";
  Outcome trusted = Token(args, env);
  ASSERT_EQ(trusted.exit_code, 0) << trusted.err;
  EXPECT_EQ(sts.requests().size(), 1u);
}

TEST_F(TokenCli, ForwardSessionName) {
  FakeSts sts(testing::Secrets{{kKey, kSecret}});
  Outcome o = Token({"-i", "demo", "--role-arn", "arn:aws:iam::1:role/R", "--sts-endpoint", sts.url(),
                     "--forward-session-name"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  auto reqs = sts.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(FakeSts::FormValue(reqs[0], "Action"), "GetCallerIdentity");
  EXPECT_EQ(FakeSts::FormValue(reqs[1], "RoleSessionName"), "alice@example.com");
}

class TokenCacheCli : public TokenCli {
 protected:
  std::vector<std::string> Args(const std::string& cluster) const {
    return {"-i", cluster, "--role", role, "--sts-endpoint", sts.url(), "--cache"};
  }
  size_t AssumeRoleCalls() const {
    size_t n = 0;
    for (const auto& r : sts.requests()) n += FakeSts::FormValue(r, "Action") == "AssumeRole";
    return n;
  }
  std::string CacheDir() const { return home.path() + "/.kube/cache/kubeiam"; }
  std::vector<std::string> CacheFiles() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(CacheDir())) {
      if (e.path().extension() == ".json") out.push_back(e.path().string());
    }
    return out;
  }
  FakeSts sts{testing::Secrets{{kKey, kSecret}}};
  std::string role = "arn:aws:iam::111122223333:role/KubernetesAdmin";
};

TEST_F(TokenCacheCli, SecondCallReusesTokenWithoutCallingSts) {
  Outcome first = Token(Args("demo"));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  Outcome second = Token(Args("demo"));
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(TokenOf(first), TokenOf(second));
  EXPECT_EQ(AssumeRoleCalls(), 1u);
  struct stat st;
  ASSERT_EQ(stat(CacheDir().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  auto files = CacheFiles();
  ASSERT_EQ(files.size(), 1u);
  ASSERT_EQ(stat(files[0].c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(TokenCacheCli, NeverReusedAcrossClusters) {
  Outcome a = Token(Args("cluster-a"));
  Outcome b = Token(Args("cluster-b"));
  ASSERT_EQ(a.exit_code, 0);
  ASSERT_EQ(b.exit_code, 0);
  EXPECT_NE(TokenOf(a), TokenOf(b));
  std::string issued = FakeSts::IssuedKeyFor(role);
  SignerOf(TokenOf(b), "cluster-b", "secret-for-" + issued);
  EXPECT_EQ(CacheFiles().size(), 2u);
}

TEST_F(TokenCacheCli, TokenNearExpiryIsResignedWithCachedRoleCredentials) {
  Outcome first = Token(Args("demo"));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  // Age the cached token: 4 minutes left is less than the 5 a reused token must have.
  auto file = CacheFiles().at(0);
  auto doc = boost::json::parse(*ReadFile(file)).as_object();
  doc["tokenExpiration"] = FormatRfc3339(Clock::now() + std::chrono::minutes(4));
  ASSERT_TRUE(WriteFileAtomic(file, boost::json::serialize(doc), 0600).has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // a new X-Amz-Date
  Outcome second = Token(Args("demo"));
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(TokenOf(first), TokenOf(second));
  EXPECT_EQ(AssumeRoleCalls(), 1u);  // the role credentials were still good
}

TEST_F(TokenCacheCli, ParallelInvocationsAssumeTheRoleOnce) {
  std::vector<std::future<Outcome>> runs;
  for (int i = 0; i < 8; ++i) runs.push_back(std::async(std::launch::async, [&] { return Token(Args("demo")); }));
  std::set<std::string> tokens;
  for (auto& r : runs) {
    Outcome o = r.get();
    ASSERT_EQ(o.exit_code, 0) << o.err;
    tokens.insert(TokenOf(o));
  }
  EXPECT_EQ(tokens.size(), 1u);
  EXPECT_EQ(AssumeRoleCalls(), 1u);
}

TEST_F(TokenCacheCli, EditingTheAwsConfigInvalidatesTheEntry) {
  home.Write(".aws/config", "[default]\nregion = us-east-1\n");
  ASSERT_EQ(Token(Args("demo")).exit_code, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  home.Write(".aws/config", "[default]\nregion = us-east-2\n");
  Outcome o = Token(Args("demo"));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(AssumeRoleCalls(), 2u);
  EXPECT_EQ(token::Decode(TokenOf(o))->raw_query.find("us-east-1"), std::string::npos);
}

TEST_F(TokenCli, ExpiredCredentialsAreRefused) {
  auto env = Env();
  env["AWS_SESSION_TOKEN"] = "t";
  env["AWS_CREDENTIAL_EXPIRATION"] = "2020-01-01T00:00:00Z";
  Outcome o = Token({"-i", "demo"}, env);
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.out, "");
  EXPECT_NE(o.err.find("the credentials from environment expired at 2020-01-01T00:00:00Z"), std::string::npos) << o.err;
}

TEST_F(TokenCacheCli, WorldReadableCacheFileIsNotTrusted) {
  ASSERT_EQ(Token(Args("demo")).exit_code, 0);
  chmod(CacheFiles().at(0).c_str(), 0644);
  ASSERT_EQ(Token(Args("demo")).exit_code, 0);
  EXPECT_EQ(AssumeRoleCalls(), 2u);
  struct stat st;
  stat(CacheFiles().at(0).c_str(), &st);
  EXPECT_EQ(st.st_mode & 0777, 0600u);  // rewritten private
}

}  // namespace
}  // namespace kubeiam
