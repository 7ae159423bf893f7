// The credential chain against temp HOMEs and loopback fakes (STS, IMDS, container endpoint).
#include "aws/credential_chain.h"

#include <gtest/gtest.h>

#include "support/fake_http_server.h"
#include "support/fake_sts.h"
#include "support/temp_dir.h"

namespace kubeiam::aws {
namespace {

using testing::CannedResponse;
using testing::FakeHttpServer;
using testing::FakeSts;
using testing::ScopedEnv;
using testing::SeenRequest;
using testing::TempDir;

class ChainTest : public ::testing::Test {
 protected:
  void SetUp() override { env.Isolate(home.path()); }
  Result<Credentials> Resolve(const ClientOptions& o = {}) {
    auto cfg = ResolveClientConfig(o);
    if (!cfg) return std::unexpected(cfg.error());
    config = *cfg;
    ChainContext ctx{config, TimePoint(std::chrono::seconds(1700000000)),
                     [](const std::string&) -> Result<std::string> { return std::string("123456"); }};
    return ResolveCredentials(ctx);
  }
  TempDir home;
  ScopedEnv env;
  ClientConfig config;
};

TEST_F(ChainTest, NoCredentialsGivesTheCliMessage) {
  auto c = Resolve();
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().message,
            "Unable to locate credentials. You can configure credentials by running \"aws configure\".");
}

TEST_F(ChainTest, EnvironmentKeysComeFirst) {
  env.Set("AWS_ACCESS_KEY_ID", "AKIDENV").Set("AWS_SECRET_ACCESS_KEY", "s").Set("AWS_SESSION_TOKEN", "t");
  home.Write(".aws/credentials", "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = f\n");
  auto c = Resolve();
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->access_key_id, "AKIDENV");
  EXPECT_EQ(c->session_token, "t");
  EXPECT_EQ(c->source, "environment");
}

TEST_F(ChainTest, PartialEnvironmentKeysAreAnError) {
  env.Set("AWS_ACCESS_KEY_ID", "AKIDENV");
  auto c = Resolve();
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().message, "Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY");
}

TEST_F(ChainTest, ExplicitProfileSkipsEnvironmentKeys) {
  env.Set("AWS_ACCESS_KEY_ID", "AKIDENV").Set("AWS_SECRET_ACCESS_KEY", "s");
  home.Write(".aws/credentials", "[work]\naws_access_key_id = AKIDWORK\naws_secret_access_key = w\n");
  auto c = Resolve({.profile = "work"});
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->access_key_id, "AKIDWORK");
  // AWS_PROFILE is not "explicit": environment keys still win, as in the CLI.
  env.Set("AWS_PROFILE", "work");
  EXPECT_EQ(Resolve()->access_key_id, "AKIDENV");
}

TEST_F(ChainTest, MissingNamedProfile) {
  auto c = Resolve({.profile = "ghost"});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().message, "The config profile (ghost) could not be found");
}

TEST_F(ChainTest, CredentialsFileBeatsConfigFileKeys) {
  home.Write(".aws/config", "[default]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = c\n");
  EXPECT_EQ(Resolve()->access_key_id, "AKIDCONFIG");
  home.Write(".aws/credentials", "[default]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = c\n");
  EXPECT_EQ(Resolve()->access_key_id, "AKIDCREDS");
}

TEST_F(ChainTest, SourceProfileChainAssumesEachRoleInTurn) {
  FakeSts sts(testing::Secrets{{"AKIDBASE", "base-secret"}});
  home.Write(".aws/credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n");
  home.Write(".aws/config",
             "[profile middle]\nrole_arn = arn:aws:iam::111122223333:role/Middle\nsource_profile = base\n"
             "[profile top]\nrole_arn = arn:aws:iam::111122223333:role/Top\nsource_profile = middle\n"
             "external_id = ext-123\nrole_session_name = me\nduration_seconds = 1800\n");
  env.Set("AWS_ENDPOINT_URL_STS", sts.url());
  auto c = Resolve({.profile = "top"});
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->access_key_id, FakeSts::IssuedKeyFor("arn:aws:iam::111122223333:role/Top"));
  EXPECT_TRUE(c->CanExpire());
  auto reqs = sts.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(FakeSts::FormValue(reqs[0], "RoleArn"), "arn:aws:iam::111122223333:role/Middle");
  EXPECT_EQ(FakeSts::FormValue(reqs[1], "RoleArn"), "arn:aws:iam::111122223333:role/Top");
  EXPECT_EQ(FakeSts::FormValue(reqs[1], "ExternalId"), "ext-123");
  EXPECT_EQ(FakeSts::FormValue(reqs[1], "RoleSessionName"), "me");
  EXPECT_EQ(FakeSts::FormValue(reqs[1], "DurationSeconds"), "1800");
  // The second call is signed with the first call's credentials (FakeSts checked the signature).
  EXPECT_NE(reqs[1].Header("Authorization").find(FakeSts::IssuedKeyFor("arn:aws:iam::111122223333:role/Middle")),
            std::string::npos);
}

TEST_F(ChainTest, SourceProfileLoopIsAnError) {
  home.Write(".aws/config",
             "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = b\n"
             "[profile b]\nrole_arn = arn:aws:iam::1:role/B\nsource_profile = a\n");
  auto c = Resolve({.profile = "a"});
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(c.error().message.find("loops"), std::string::npos);
}

TEST_F(ChainTest, AssumeRoleDenialCarriesStsCodeAndMessage) {
  FakeSts sts(testing::Secrets{{"AKIDBASE", "base-secret"}});
  home.Write(".aws/credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n");
  home.Write(".aws/config", "[profile x]\nrole_arn = arn:aws:iam::1:role/Denied\nsource_profile = base\n");
  env.Set("AWS_ENDPOINT_URL_STS", sts.url());
  auto c = Resolve({.profile = "x"});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().message,
            "An error occurred (AccessDenied) when calling the AssumeRole operation: not authorized to assume "
            "arn:aws:iam::1:role/Denied");
}

TEST_F(ChainTest, MfaSerialIsPromptedAndSent) {
  FakeSts sts(testing::Secrets{{"AKIDBASE", "base-secret"}});
  home.Write(".aws/credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n");
  home.Write(".aws/config",
             "[profile x]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = base\nmfa_serial = arn:aws:iam::1:mfa/me\n");
  env.Set("AWS_ENDPOINT_URL_STS", sts.url());
  ASSERT_TRUE(Resolve({.profile = "x"}).has_value());
  EXPECT_EQ(FakeSts::FormValue(sts.requests()[0], "SerialNumber"), "arn:aws:iam::1:mfa/me");
  EXPECT_EQ(FakeSts::FormValue(sts.requests()[0], "TokenCode"), "123456");
}

TEST_F(ChainTest, CredentialSourceEnvironment) {
  FakeSts sts(testing::Secrets{{"AKIDENV", "env-secret"}});
  env.Set("AWS_ACCESS_KEY_ID", "AKIDENV").Set("AWS_SECRET_ACCESS_KEY", "env-secret");
  home.Write(".aws/config", "[profile x]\nrole_arn = arn:aws:iam::1:role/R\ncredential_source = Environment\n");
  env.Set("AWS_ENDPOINT_URL_STS", sts.url());
  auto c = Resolve({.profile = "x"});
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->access_key_id, FakeSts::IssuedKeyFor("arn:aws:iam::1:role/R"));
}

TEST_F(ChainTest, WebIdentityFromEnvironmentAndProfile) {
  FakeSts sts(testing::Secrets{});
  std::string token_file = home.Write("token.jwt", "eyJhbGciOi.jwt.value\n");
  env.Set("AWS_ENDPOINT_URL_STS", sts.url())
      .Set("AWS_ROLE_ARN", "arn:aws:iam::1:role/Pod")
      .Set("AWS_WEB_IDENTITY_TOKEN_FILE", token_file)
      .Set("AWS_ROLE_SESSION_NAME", "pod-session");
  auto c = Resolve();
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->access_key_id, FakeSts::IssuedKeyFor("arn:aws:iam::1:role/Pod"));
  auto r = sts.requests().back();
  EXPECT_EQ(FakeSts::FormValue(r, "WebIdentityToken"), "eyJhbGciOi.jwt.value");
  EXPECT_EQ(FakeSts::FormValue(r, "RoleSessionName"), "pod-session");
  EXPECT_EQ(r.Header("Authorization"), "");  // the web identity call is unsigned

  env.Unset("AWS_ROLE_ARN");
  home.Write(".aws/config", "[default]\nrole_arn = arn:aws:iam::1:role/Prof\nweb_identity_token_file = " + token_file + "\n");
  EXPECT_EQ(Resolve()->access_key_id, FakeSts::IssuedKeyFor("arn:aws:iam::1:role/Prof"));
}

TEST_F(ChainTest, CredentialProcess) {
  home.Write(".aws/config",
             "[default]\ncredential_process = printf '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", "
             "\"SecretAccessKey\": \"p\", \"SessionToken\": \"st\", \"Expiration\": \"2099-01-01T00:00:00Z\"}'\n");
  auto c = Resolve();
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->access_key_id, "AKIDPROC");
  EXPECT_EQ(c->session_token, "st");
  ASSERT_TRUE(c->expiration.has_value());

  home.Write(".aws/config", "[default]\ncredential_process = exit 3\n");
  EXPECT_NE(Resolve().error().message.find("exited with status 3"), std::string::npos);
  home.Write(".aws/config", "[default]\ncredential_process = echo '{\"Version\": 2}'\n");
  EXPECT_NE(Resolve().error().message.find("\"Version\": 1"), std::string::npos);
}

TEST_F(ChainTest, ContainerCredentialsWithTokenFile) {
  FakeHttpServer agent([](const SeenRequest& r) {
    if (r.Header("Authorization") != "secret-token") return CannedResponse{401, "no"};
    return CannedResponse{200,
                          R"({"AccessKeyId":"ASIACONTAINER","SecretAccessKey":"c","Token":"ct","Expiration":"2099-01-01T00:00:00Z"})"};
  });
  std::string token_file = home.Write("agent-token", "secret-token\n");
  env.Set("AWS_CONTAINER_CREDENTIALS_FULL_URI", agent.url() + "/creds")
      .Set("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file);
  auto c = Resolve();
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->access_key_id, "ASIACONTAINER");
  EXPECT_EQ(agent.requests().at(0).target, "/creds");
}

TEST_F(ChainTest, ContainerFullUriMustBeLoopbackOrHttps) {
  env.Set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.0.2.10/creds");
  auto c = Resolve();
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(c.error().message.find("Unsupported host '192.0.2.10'"), std::string::npos);
}

class ImdsTest : public ChainTest {
 protected:
  void Serve(bool v2) {
    imds = std::make_unique<FakeHttpServer>([v2](const SeenRequest& r) {
      if (r.method == "PUT" && r.target == "/latest/api/token") {
        if (!v2) return CannedResponse{404, ""};
        return CannedResponse{200, "imds-session"};
      }
      if (v2 && r.Header("X-aws-ec2-metadata-token") != "imds-session") return CannedResponse{401, ""};
      if (r.target == "/latest/meta-data/iam/security-credentials/") return CannedResponse{200, "NodeRole\n"};
      if (r.target == "/latest/meta-data/iam/security-credentials/NodeRole") {
        return CannedResponse{200, R"({"Code":"Success","AccessKeyId":"ASIAIMDS","SecretAccessKey":"i",)"
                                   R"("Token":"it","Expiration":"2099-01-01T00:00:00Z"})"};
      }
      if (r.target == "/latest/meta-data/placement/region") return CannedResponse{200, "eu-north-1"};
      return CannedResponse{404, ""};
    });
    env.Unset("AWS_EC2_METADATA_DISABLED").Set("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds->url());
  }
  std::unique_ptr<FakeHttpServer> imds;
};

TEST_F(ImdsTest, V2SessionTokenRoleCredentialsAndRegion) {
  Serve(true);
  auto c = Resolve();
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->access_key_id, "ASIAIMDS");
  EXPECT_EQ(config.region, "eu-north-1");
  EXPECT_EQ(config.region_source, "instance metadata");
  EXPECT_EQ(imds->requests().at(0).Header("X-aws-ec2-metadata-token-ttl-seconds"), "21600");
}

TEST_F(ImdsTest, FallsBackToV1UnlessDisabled) {
  Serve(false);
  EXPECT_EQ(Resolve()->access_key_id, "ASIAIMDS");
  env.Set("AWS_EC2_METADATA_V1_DISABLED", "true");
  EXPECT_FALSE(Resolve().has_value());
}

TEST_F(ImdsTest, DisabledMeansNoRequest) {
  Serve(true);
  env.Set("AWS_EC2_METADATA_DISABLED", "true");
  EXPECT_FALSE(Resolve().has_value());
  EXPECT_TRUE(imds->requests().empty());
}

}  // namespace
}  // namespace kubeiam::aws
