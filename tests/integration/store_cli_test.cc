// `kubeiam store`: a cluster's state moved from SQLite to a real etcd and back with nothing lost,
// backed up to a private JSON file and restored; a target that holds state is refused.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "integration/cli_runner.h"
#include "support/etcd_server.h"
#include "support/paths.h"
#include "support/temp_dir.h"

namespace kubeiam {
namespace {

using testing::Outcome;

class StoreCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    std::string url = testing::SharedEtcd(&error);
    ASSERT_FALSE(url.empty()) << error;
    etcd_ = "etcd:" + url;
    prefix_ = "/store-cli-" + std::to_string(getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + "/";
  }
  Outcome Kubeiam(std::vector<std::string> args) {
    args.insert(args.begin(), KUBEIAM_BINARY);
    return testing::Run(args, {});
  }
  Outcome Store(std::vector<std::string> args) {
    args.insert(args.begin(), "store");
    args.insert(args.end(), {"--etcd-prefix", prefix_});
    return Kubeiam(args);
  }
  std::string Describe(const std::string& db, const std::string& arn) {
    return Kubeiam({"access-entry", "describe", "--store", db, "--cluster-name", "demo", "--principal-arn", arn}).out;
  }

  testing::TempDir dir_;
  std::string etcd_, prefix_;
};

TEST_F(StoreCli, SqliteToEtcdAndBack) {
  std::string a = dir_.path() + "/a.db", b = dir_.path() + "/b.db";
  const std::string arn = "arn:aws:iam::111122223333:user/dev";
  ASSERT_EQ(Kubeiam({"access-entry", "create", "--store", a, "--cluster-name", "demo", "--principal-arn", arn,
                     "--kubernetes-groups", "team"}).exit_code, 0);
  ASSERT_EQ(Kubeiam({"access-entry", "associate-policy", "--store", a, "--cluster-name", "demo", "--principal-arn", arn,
                     "--policy-arn", "AmazonEKSViewPolicy", "--access-scope", "type=cluster"}).exit_code, 0);
  Outcome there = Store({"migrate", "--from", "sqlite:" + a, "--to", etcd_});
  ASSERT_EQ(there.exit_code, 0) << there.err;
  EXPECT_NE(there.out.find("copied "), std::string::npos) << there.out;
  Outcome again = Store({"migrate", "--from", "sqlite:" + a, "--to", etcd_});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("keys under clusters/ (give --replace to overwrite them)"), std::string::npos) << again.err;
  ASSERT_EQ(Store({"migrate", "--from", etcd_, "--to", "sqlite:" + b, "--cluster-name", "demo"}).exit_code, 0);
  std::string described = Describe(b, arn);
  EXPECT_NE(described.find("team"), std::string::npos) << described;
  EXPECT_EQ(Describe(b, arn), Describe(a, arn)) << "the entry came back as it left";
  Outcome policies = Kubeiam({"access-entry", "list-associated-policies", "--store", b, "--cluster-name", "demo", "--principal-arn", arn});
  EXPECT_NE(policies.out.find("AmazonEKSViewPolicy"), std::string::npos) << policies.out << policies.err;
}

TEST_F(StoreCli, BackupAndRestore) {
  std::string a = dir_.path() + "/a.db", c = dir_.path() + "/c.db", file = dir_.path() + "/backup.json";
  const std::string arn = "arn:aws:iam::111122223333:role/ops";
  ASSERT_EQ(Kubeiam({"access-entry", "create", "--store", a, "--cluster-name", "demo", "--principal-arn", arn}).exit_code, 0);
  ASSERT_EQ(Store({"migrate", "--from", "sqlite:" + a, "--to", etcd_}).exit_code, 0);
  Outcome backed = Store({"backup", "--from", etcd_, "-f", file});
  ASSERT_EQ(backed.exit_code, 0) << backed.err;
  struct stat st;
  ASSERT_EQ(stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  Outcome restored = Store({"restore", "-f", file, "--to", "sqlite:" + c});
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  EXPECT_EQ(Describe(c, arn), Describe(a, arn));
  Outcome replaced = Store({"restore", "-f", file, "--to", "sqlite:" + c, "--replace"});
  EXPECT_EQ(replaced.exit_code, 0) << replaced.err;
  Outcome bad = Store({"restore", "-f", dir_.Write("bad.json", "{\"kind\":\"KubeiamStoreBackup\",\"version\":3}"), "--to", "sqlite:" + c});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.err, "kubeiam: " + dir_.path() + "/bad.json: version: must be 1\n");
  Outcome foreign = Store({"restore", "-f", dir_.Write("foreign.json", R"({"kind":"KubeiamStoreBackup","version":1,"prefix":"c","revision":1,"keys":[]})"),
                           "--to", "sqlite:" + c, "--replace"});
  EXPECT_EQ(foreign.exit_code, 1);
  EXPECT_EQ(foreign.err, "kubeiam: " + dir_.path() + "/foreign.json: prefix: must start with clusters/\n");
  EXPECT_EQ(Describe(c, arn), Describe(a, arn)) << "nothing was deleted";
  Outcome spec = Store({"backup", "--from", "mysql:x", "-f", file});
  EXPECT_EQ(spec.err, "kubeiam: --from: must be sqlite:PATH, etcd:URL[,URL...] or config:FILE (got \"mysql:x\")\n");
}

}  // namespace
}  // namespace kubeiam
