// kubeiam mapping, lint and migrate as commands: exit codes, messages, the file they edit.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "integration/cli_runner.h"
#include "support/aws_auth_fixtures.h"
#include "support/paths.h"
#include "support/temp_dir.h"

namespace kubeiam {
namespace {

using testing::Outcome;

Outcome Kubeiam(std::vector<std::string> args) { return testing::RunKubeiam(std::move(args)); }

TEST(AwsAuthTools, MappingCreateGetDelete) {
  testing::TempDir dir;
  std::string file = dir.path() + "/aws-auth.yaml";  // absent: created
  const std::string admin = "arn:aws:iam::111122223333:role/Admin";
  Outcome created = Kubeiam({"mapping", "create", "--aws-auth", file, "--cluster", "demo", "--arn", admin, "--username",
                             "admin:{{SessionName}}", "--group", "system:masters"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(created.err, "adding identity \"" + admin + "\" to auth ConfigMap\n");
  Outcome node = Kubeiam({"mapping", "create", "--aws-auth", file, "--arn", "arn:aws:iam::111122223333:role/Node",
                          "--username", "system:node:{{EC2PrivateDNSName}}", "--group", "system:bootstrappers,system:nodes"});
  ASSERT_EQ(node.exit_code, 0) << node.err;
  Outcome table = Kubeiam({"mapping", "get", "--aws-auth", file});
  EXPECT_TRUE(table.out.starts_with("ARN")) << table.out;
  EXPECT_NE(table.out.find("system:bootstrappers,system:nodes"), std::string::npos) << table.out;
  Outcome missing = Kubeiam({"mapping", "get", "--aws-auth", file, "--arn", "arn:aws:iam::111122223333:role/Nope"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "kubeiam: no iamidentitymapping with arn \"arn:aws:iam::111122223333:role/Nope\" found\n");
  EXPECT_EQ(Kubeiam({"mapping", "create", "--aws-auth", file, "--arn", "arn:aws:sts::1:assumed-role/r/s", "--username",
                     "x"}).exit_code,
            2);
  // The last system:masters row stays.
  Outcome lockout = Kubeiam({"mapping", "delete", "--aws-auth", file, "--arn", admin});
  EXPECT_EQ(lockout.exit_code, 1);
  EXPECT_NE(lockout.err.find("refusing to remove the last system:masters mapping"), std::string::npos);
  Outcome deleted = Kubeiam({"mapping", "delete", "--aws-auth", file, "--arn", "arn:aws:iam::111122223333:role/Node"});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_EQ(Kubeiam({"mapping", "get", "--aws-auth", file, "-o", "json"}).out,
            "[{\"rolearn\":\"" + admin + "\",\"username\":\"admin:{{SessionName}}\",\"groups\":[\"system:masters\"]}]\n");
  // The server and the analysis commands read what was written.
  Outcome can = Kubeiam({"can-i", "delete", "nodes", "--arn", "arn:aws:sts::111122223333:assumed-role/Admin/al", "--aws-auth", file});
  EXPECT_EQ(can.exit_code, 0) << can.out << can.err;
  EXPECT_EQ(Kubeiam({"lint", file}).exit_code, 0) << Kubeiam({"lint", file}).out;
}

TEST(AwsAuthTools, LintExitCodes) {
  testing::TempDir dir;
  std::string bad = dir.Write("bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\n"
                                          "data:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/A\n"
                                          "      username: {{SessionName}}\n      groups: [system:masters]\n");
  Outcome o = Kubeiam({"lint", bad});
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.out.find(bad + ":7: error: mapRoles does not parse"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("  fix: quote values that start with {{"), std::string::npos) << o.out;
  Outcome j = Kubeiam({"lint", bad, "-o", "json"});
  auto doc = boost::json::parse(j.out);
  EXPECT_GE(doc.as_array().size(), 2u);
  EXPECT_EQ(Kubeiam({"lint", dir.path() + "/none.yaml"}).exit_code, 2);
  // Only warnings: exit 0.
  std::string examples = std::string(KUBEIAM_TEST_DIR) + "/../examples/local";
  Outcome config_admins = Kubeiam({"lint", examples + "/aws-auth.yaml", "--config", examples + "/config.yaml"});
  EXPECT_EQ(config_admins.exit_code, 0) << config_admins.out;
}

TEST(AwsAuthTools, MigratePlanThenApply) {
  testing::TempDir dir;
  std::string file = dir.Write("aws-auth.yaml", testing::AwsAuthManifest(testing::kNodeAndAdminData));
  Outcome plan = Kubeiam({"migrate", file, "-o", "json"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  auto doc = boost::json::parse(plan.out);
  EXPECT_FALSE(doc.at("blocksApiMode").as_bool());
  EXPECT_EQ(doc.at("steps").at(0).at("type").as_string(), "EC2_LINUX");
  std::string store = dir.path() + "/access.db";
  Outcome apply = Kubeiam({"migrate", file, "--apply", "--store", store, "--cluster-name", "demo",
                           "--target-authentication-mode", "API"});
  ASSERT_EQ(apply.exit_code, 0) << apply.err;
  EXPECT_NE(apply.err.find("authentication mode: API"), std::string::npos) << apply.err;
  // The admin row became an entry with ClusterAdmin; can-i agrees through the store's entries.
  Outcome policies = Kubeiam({"access-entry", "list-associated-policies", "--store", store, "--cluster-name", "demo",
                              "--principal-arn", "arn:aws:iam::111122223333:role/Admin"});
  EXPECT_NE(policies.out.find("AmazonEKSClusterAdminPolicy"), std::string::npos) << policies.out << policies.err;
  // Running it again changes nothing (every ARN has its entry).
  Outcome again = Kubeiam({"migrate", file, "--apply", "--store", store, "--cluster-name", "demo"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("already has an access entry"), std::string::npos);
  EXPECT_EQ(Kubeiam({"migrate", file, "--apply"}).exit_code, 2) << "nowhere to write";
}

}  // namespace
}  // namespace kubeiam
