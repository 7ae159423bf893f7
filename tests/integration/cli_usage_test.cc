// The command line as a whole: one error prefix, exit code 2 for usage errors with a guess at
// what was meant, `version` as text, --check-config, and the config reference in every --help.
#include <gtest/gtest.h>

#include <regex>

#include "integration/cli_runner.h"
#include "support/aws_auth_fixtures.h"
#include "support/fake_http_server.h"
#include "support/paths.h"
#include "support/temp_dir.h"

namespace kubeiam {
namespace {

using testing::Outcome;

Outcome Kubeiam(std::vector<std::string> args) { return testing::RunKubeiam(std::move(args)); }

TEST(CliUsage, MistypedCommandsAndFlagsGetAGuess) {
  Outcome command = Kubeiam({"tokn", "-i", "demo"});
  EXPECT_EQ(command.exit_code, 2);
  EXPECT_EQ(command.err, "kubeiam: unknown command \"tokn\" (did you mean token?)\nRun 'kubeiam --help' for the commands.\n");
  Outcome flag = Kubeiam({"can-i", "get", "pods", "--clustr-name", "demo"});
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_NE(flag.err.find("--clustr-name"), std::string::npos) << flag.err;
  EXPECT_NE(flag.err.find("(did you mean --cluster-name?)"), std::string::npos) << flag.err;
  Outcome sub = Kubeiam({"store", "backpu"});
  EXPECT_EQ(sub.exit_code, 2);
  EXPECT_NE(sub.err.find("(did you mean backup?)"), std::string::npos) << sub.err;
  EXPECT_EQ(sub.err.rfind("kubeiam: ", 0), 0u) << sub.err;
}

TEST(CliUsage, VersionIsTextUnlessAskedForJson) {
  Outcome text = Kubeiam({"version"});
  EXPECT_EQ(text.out, std::string("kubeiam version ") + KUBEIAM_VERSION + "\n");
  Outcome json = Kubeiam({"version", "-o", "json"});
  EXPECT_EQ(json.out, std::string("{\"Version\":\"") + KUBEIAM_VERSION + "\"}\n");
}

TEST(CliUsage, EveryHelpPointsToTheConfigReference) {
  for (std::vector<std::string> args : {std::vector<std::string>{"--help"}, {"serve", "--help"}, {"can-i", "--help"}}) {
    Outcome help = Kubeiam(args);
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find("docs/config.md"), std::string::npos) << help.out;
  }
}

TEST(CliUsage, CheckConfigReportsEveryProblemWithItsLine) {
  testing::TempDir dir;
  std::string bad = dir.Write("bad.yaml", "clusterID: demo\nserver:\n  prot: 8443\n  port: many\n");
  Outcome refused = Kubeiam({"serve", "--config", bad, "--check-config"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.err, bad + ":4:9: server.port: must be a whole number from 1 to 65535\n" + bad +
                             ":3:3: server.prot: unknown key (did you mean port?)\n");
  std::string good = dir.Write("good.yaml", "clusterID: demo\nserver:\n  port: 8443\n  generateKubeconfig: /x\n");
  Outcome ok = Kubeiam({"serve", "--config", good, "--check-config"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, good + ": valid\n");
  EXPECT_NE(ok.err.find("warning: " + good + ":4:23: server.generateKubeconfig: ignored: "), std::string::npos) << ok.err;
}

TEST(CliUsage, LintSaysWhenItFindsNothing) {
  testing::TempDir dir;
  std::string manifest = dir.Write("aws-auth.yaml", testing::AwsAuthManifest(testing::kNodeAndAdminData + R"(    - rolearn: arn:aws:iam::111122223333:role/Break-glass
      username: breakglass
      groups: [system:masters]
)"));

  Outcome linted = Kubeiam({"lint", manifest});
  EXPECT_EQ(linted.exit_code, 0) << linted.out << linted.err;
  EXPECT_EQ(linted.out, manifest + ": no problems found\n");
}

// `kubeiam access-entry` prints what `aws eks` prints: indented JSON with ISO timestamps, or
// awscli's text and yaml.
TEST(CliUsage, AccessEntryPrintsWhatAwsEksPrints) {
  testing::TempDir dir;
  std::string store = dir.path() + "/s.db";
  const std::string arn = "arn:aws:iam::111122223333:role/dev";
  Outcome created = Kubeiam({"access-entry", "create", "--store", store, "--cluster-name", "demo", "--principal-arn", arn,
                             "--kubernetes-groups", "a", "b"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(created.out.rfind("{\n    \"accessEntry\": {\n        \"clusterName\": \"demo\",\n", 0), 0u) << created.out;
  std::smatch at;
  EXPECT_TRUE(std::regex_search(created.out, at, std::regex(R"("createdAt": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00")")))
      << created.out;
  Outcome text = Kubeiam({"access-entry", "list", "--store", store, "--cluster-name", "demo", "--output", "text"});
  EXPECT_EQ(text.out, "ACCESSENTRIES\t" + arn + "\n");
  Outcome yaml = Kubeiam({"access-entry", "describe", "--store", store, "--cluster-name", "demo", "--principal-arn", arn,
                          "--output", "yaml"});
  EXPECT_NE(yaml.out.find("  kubernetesGroups:\n"), std::string::npos) << yaml.out;
  EXPECT_NE(yaml.out.find("  tags: {}\n"), std::string::npos) << yaml.out;
  Outcome bad = Kubeiam({"access-entry", "list", "--store", store, "--cluster-name", "demo", "--output", "xml"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, "kubeiam: --output: must be json, text, table or yaml (got \"xml\")\n");
  // The cluster operations also take aws eks's --name.
  Outcome cluster = Kubeiam({"access-entry", "describe-cluster", "--store", store, "--name", "demo", "--output", "table"});
  ASSERT_EQ(cluster.exit_code, 0) << cluster.err;
  EXPECT_NE(cluster.out.find("|||  authenticationMode "), std::string::npos) << cluster.out;
}

// A server that keeps answering the same nextToken would be paged forever: refused, as botocore
// refuses it.
TEST(CliUsage, AccessEntryRefusesARepeatedNextToken) {
  testing::TempDir home;
  testing::FakeHttpServer eks([](const testing::SeenRequest&) {
    return testing::CannedResponse{200, R"({"accessPolicies": [{"name": "A", "arn": "x"}], "nextToken": "same"})",
                                   "application/json"};
  });
  Outcome o = testing::Run({KUBEIAM_BINARY, "access-entry", "list-access-policies", "--endpoint-url", eks.url(), "--region",
                            "us-east-1"},
                           {{"HOME", home.path()}, {"AWS_EC2_METADATA_DISABLED", "true"}, {"AWS_CONFIG_FILE", "/dev/null"},
                            {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}, {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                            {"AWS_SECRET_ACCESS_KEY", "kubeiamExampleSecretKeyDoNotUseAnywhere0"}});
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.err, "kubeiam: ListAccessPolicies: the same nextToken was received twice\n");
  EXPECT_EQ(eks.requests().size(), 2u);
}

}  // namespace
}  // namespace kubeiam
