// `kubeiam explain` for each cause of a 401 or 403, against golden outputs kept in
// tests/data/explain (KUBEIAM_UPDATE_GOLDEN=1 rewrites them from what the command prints).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "integration/cli_runner.h"
#include "support/paths.h"

namespace kubeiam {
namespace {

const std::string kData = std::string(KUBEIAM_TEST_DIR) + "/data/explain/";

struct GoldenCase {
  const char* name;
  std::vector<std::string> args;
  int exit_code;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Explain, EachDenialCauseAsGolden) {
  const GoldenCase cases[] = {
      {"role-path-and-template", {"--arn", "arn:aws:sts::111122223333:assumed-role/KubernetesAdmin/alice", "delete", "nodes"}, 0},
      {"sso-permission-set", {"--arn", "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123abcd/bob"}, 1},
      {"sso-match", {"--arn", "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_ViewOnly_0123abcd/bob"}, 0},
      {"account-rule", {"--arn", "arn:aws:iam::111122223333:user/carol"}, 1},
      {"account-allowed", {"--arn", "arn:aws:iam::444455556666:user/partner"}, 0},
      {"recreated-principal",
       {"--arn", "arn:aws:sts::111122223333:assumed-role/Deployer/ci", "--user-id", "AROANEWDEPLOYER00001:ci"}, 1},
      {"forbidden-request", {"--arn", "arn:aws:iam::111122223333:user/dave", "get", "secrets", "-n", "dev"}, 1},
      {"allowed-by-policy", {"--arn", "arn:aws:iam::111122223333:user/dave", "get", "pods", "-n", "dev"}, 0},
  };
  bool update = std::getenv("KUBEIAM_UPDATE_GOLDEN") != nullptr;
  for (const auto& c : cases) {
    std::vector<std::string> argv = {KUBEIAM_BINARY, "explain", "--aws-auth", kData + "aws-auth.yaml", "--access-entries",
                                     kData + "access-entries.yaml", "--rbac", kData + "rbac.yaml"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    testing::Outcome o = testing::Run(argv, {{"AWS_EC2_METADATA_DISABLED", "true"}});
    EXPECT_EQ(o.exit_code, c.exit_code) << c.name << "\n" << o.out << o.err;
    std::string golden = kData + c.name + ".txt";
    if (update) std::ofstream(golden) << o.out;
    EXPECT_EQ(o.out, ReadAll(golden)) << c.name;
  }
}

TEST(Explain, UsageAndJson) {
  testing::Outcome no_source = testing::Run({KUBEIAM_BINARY, "explain", "--arn", "arn:aws:iam::111122223333:user/x"}, {});
  EXPECT_EQ(no_source.exit_code, 2);
  EXPECT_EQ(no_source.err, "kubeiam: --arn needs --config, --aws-auth, --access-entries, --store or a live cluster\n");
  testing::Outcome no_config = testing::Run({KUBEIAM_BINARY, "explain", "--token", "k8s-aws-v1.x"}, {});
  EXPECT_EQ(no_config.exit_code, 2);
  EXPECT_NE(no_config.err.find("give its --config, or --arn"), std::string::npos) << no_config.err;
  // The caller's own token goes with the request: never over plain HTTP.
  testing::Outcome plain = testing::Run({KUBEIAM_BINARY, "explain", "--server", "http://127.0.0.1:1", "-i", "demo", "--arn",
                                         "arn:aws:iam::111122223333:user/x"},
                                        {{"AWS_EC2_METADATA_DISABLED", "true"}});
  EXPECT_EQ(plain.exit_code, 2);
  EXPECT_EQ(plain.err, "kubeiam: --server must be an https:// URL\n");
  testing::Outcome json = testing::Run({KUBEIAM_BINARY, "explain", "--aws-auth", kData + "aws-auth.yaml", "--arn",
                                        "arn:aws:iam::111122223333:role/Developer", "-o", "json"},
                                       {});
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NE(json.out.find(R"("result":{"username":"dev:","groups":["developers"],"backend":"EKSConfigMap"})"), std::string::npos)
      << json.out;
}

}  // namespace
}  // namespace kubeiam
