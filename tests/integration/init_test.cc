// kubeiam init: TLS material, webhook kubeconfig and a starter config that serve accepts.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <fstream>

#include "integration/cli_runner.h"
#include "support/paths.h"
#include "support/temp_dir.h"

namespace kubeiam {
namespace {

TEST(Init, WritesMaterialAndAStarterConfig) {
  testing::TempDir dir;
  std::string state = dir.path() + "/state";
  auto o = testing::Run({KUBEIAM_BINARY, "init", "--cluster-id", "prod", "--state-dir", state, "--admin-arn",
                         "arn:aws:iam::111122223333:role/Admin"},
                        {});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  for (const char* f :
       {"ca.crt", "ca.key", "server.crt", "server.key", "kubeconfig.yaml", "authorize-kubeconfig.yaml", "config.yaml"}) {
    struct stat st;
    ASSERT_EQ(stat((state + "/" + f).c_str(), &st), 0) << f;
    if (std::string(f).ends_with(".key") || std::string(f).ends_with(".yaml")) {
      EXPECT_EQ(st.st_mode & 0777, 0600u) << f;
    }
  }
  std::ifstream in(state + "/config.yaml");
  std::string config((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(config.find("clusterID: prod"), std::string::npos);
  EXPECT_NE(config.find("authenticationMode: API_AND_CONFIG_MAP"), std::string::npos);
  EXPECT_EQ(config.find("system:masters"), std::string::npos) << "the creator is an access entry, not a hidden mapping";
  // T5: the creator's entry, visible, with ClusterAdmin at cluster scope.
  auto entry = testing::Run({KUBEIAM_BINARY, "access-entry", "list-associated-policies", "--config", state + "/config.yaml",
                             "--cluster-name", "prod", "--principal-arn", "arn:aws:iam::111122223333:role/Admin"},
                            {});
  ASSERT_EQ(entry.exit_code, 0) << entry.err;
  EXPECT_NE(entry.out.find("AmazonEKSClusterAdminPolicy"), std::string::npos) << entry.out;
  EXPECT_NE(entry.out.find("\"type\": \"cluster\""), std::string::npos) << entry.out;
  struct stat db;
  ASSERT_EQ(stat((state + "/access-entries.db").c_str(), &db), 0);
  EXPECT_EQ(db.st_mode & 0777, 0600u);
  EXPECT_NE(o.out.find("--authentication-token-webhook-config-file="), std::string::npos);
  EXPECT_NE(o.out.find("--authorization-webhook-config-file=" + state + "/authorize-kubeconfig.yaml"), std::string::npos);
  std::ifstream authz(state + "/authorize-kubeconfig.yaml");
  std::string authz_text((std::istreambuf_iterator<char>(authz)), {});
  EXPECT_NE(authz_text.find("server: https://localhost:21362/authorize"), std::string::npos) << authz_text;
  // The starter config is one serve accepts (checked through verify, which loads it fully).
  auto v = testing::Run({KUBEIAM_BINARY, "verify", "--config", state + "/config.yaml", "--token", "k8s-aws-v1.x"}, {});
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_NE(v.err.find("could not verify token: input token was not properly formatted"), std::string::npos) << v.err;
}

TEST(Init, ConfigMapModeMapsTheCreatorInTheConfig) {
  testing::TempDir dir;
  std::string state = dir.path() + "/state";
  auto o = testing::Run({KUBEIAM_BINARY, "init", "--cluster-id", "prod", "--state-dir", state, "--authentication-mode",
                         "CONFIG_MAP", "--admin-arn", "arn:aws:sts::111122223333:assumed-role/Admin/alice"},
                        {});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  std::ifstream in(state + "/config.yaml");
  std::string config((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(config.find("rolearn: arn:aws:iam::111122223333:role/Admin"), std::string::npos) << config;
  EXPECT_NE(config.find("groups: [system:masters]"), std::string::npos);
  EXPECT_EQ(config.find("eksAPI"), std::string::npos);
  struct stat db;
  EXPECT_NE(stat((state + "/access-entries.db").c_str(), &db), 0) << "no store without access entries";
}

TEST(Init, RejectsABadAdminArn) {
  testing::TempDir dir;
  auto o = testing::Run({KUBEIAM_BINARY, "init", "--cluster-id", "prod", "--state-dir", dir.path(), "--admin-arn", "nope"}, {});
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("--admin-arn: arn 'nope' is invalid"), std::string::npos) << o.err;
}

}  // namespace
}  // namespace kubeiam
