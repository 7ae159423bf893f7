// The Sources layer: a watched aws-auth file is served as soon as it changes (inotify, an
// atomic rename included), a broken file keeps the last good state and names itself, the store
// gives entries and the mode (unless a flag says otherwise), another handle's store write is seen
// without asking, and a failed reconfigure changes nothing.
#include "state/sources.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <thread>

#include "identity/identity.h"
#include "store/kv_access_store.h"
#include "store/sqlite_kv.h"
#include "support/temp_dir.h"

namespace kubeiam::state {
namespace {

const std::string kUser = "arn:aws:iam::111122223333:user/alice";

std::string AwsAuth(const std::string& group) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata:\n  mapUsers: |\n"
         "    - userarn: " + kUser + "\n      username: alice\n      groups: [" + group + "]\n";
}

// The groups `kUser` maps to in the current snapshot, or the mapping error.
std::string GroupsOf(const Sources& s) {
  auto id = identity::IdentityFromArn(kUser);
  auto user = identity::MapIdentity(s.snapshot()->chain, *id, nullptr);
  if (!user) return "error: " + user.error().message;
  std::string out;
  for (const auto& g : user->groups) out += (out.empty() ? "" : ",") + g;
  return out + " by " + user->backend;
}

// Writes a file the way editors and kubectl do: a temporary file renamed over the old one.
void Replace(const testing::TempDir& dir, const std::string& name, const std::string& text) {
  dir.Write(name + ".tmp", text);
  ASSERT_EQ(std::rename((dir.path() + "/" + name + ".tmp").c_str(), (dir.path() + "/" + name).c_str()), 0);
}

bool Eventually(const std::function<bool()>& done) {
  for (int i = 0; i < 200; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

SourceSettings AwsAuthSettings(const testing::TempDir& dir) {
  SourceSettings s;
  s.backend_modes = {"EKSConfigMap"};
  s.aws_auth_file = dir.path() + "/aws-auth.yaml";
  return s;
}

TEST(Sources, AWatchedFileIsServedWhenItChanges) {
  testing::TempDir dir;
  dir.Write("aws-auth.yaml", AwsAuth("g1"));
  auto s = Sources::Open(AwsAuthSettings(dir));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(GroupsOf(**s), "g1 by EKSConfigMap");
  (*s)->Watch(nullptr);
  Replace(dir, "aws-auth.yaml", AwsAuth("g2"));
  EXPECT_TRUE(Eventually([&] { return GroupsOf(**s) == "g2 by EKSConfigMap"; })) << GroupsOf(**s);
  dir.Write("aws-auth.yaml", AwsAuth("g3"));  // rewritten in place
  EXPECT_TRUE(Eventually([&] { return GroupsOf(**s) == "g3 by EKSConfigMap"; })) << GroupsOf(**s);
  (*s)->StopWatching();
}

TEST(Sources, AFileThatAppearsLaterIsRead) {
  testing::TempDir dir;
  auto s = Sources::Open(AwsAuthSettings(dir));
  ASSERT_TRUE(s) << "a missing mapping file means no mappings";
  EXPECT_NE(GroupsOf(**s).find("error"), std::string::npos);
  (*s)->Watch(nullptr);
  Replace(dir, "aws-auth.yaml", AwsAuth("g1"));
  EXPECT_TRUE(Eventually([&] { return GroupsOf(**s) == "g1 by EKSConfigMap"; })) << GroupsOf(**s);
}

TEST(Sources, ABrokenFileKeepsTheLastGoodState) {
  testing::TempDir dir;
  dir.Write("aws-auth.yaml", AwsAuth("g1"));
  auto s = Sources::Open(AwsAuthSettings(dir));
  ASSERT_TRUE(s);
  Replace(dir, "aws-auth.yaml", "data: [unclosed\n");
  auto r = (*s)->Refresh();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("aws-auth.yaml"), std::string::npos) << r.error().message;
  EXPECT_EQ(GroupsOf(**s), "g1 by EKSConfigMap");
  Replace(dir, "aws-auth.yaml", "  \n");
  EXPECT_FALSE((*s)->Refresh()) << "an emptied file is an error too";
  EXPECT_EQ(GroupsOf(**s), "g1 by EKSConfigMap");
}

TEST(Sources, AReconfigureReplacesEverySource) {
  testing::TempDir dir;
  dir.Write("aws-auth.yaml", AwsAuth("g1"));
  auto s = Sources::Open(AwsAuthSettings(dir));
  ASSERT_TRUE(s);
  SourceSettings next = AwsAuthSettings(dir);
  next.aws_auth_file = dir.path() + "/other.yaml";  // not there yet: no mappings
  ASSERT_TRUE((*s)->Reconfigure(std::move(next)));
  EXPECT_NE(GroupsOf(**s).find("error"), std::string::npos) << "the old file's mappings are gone: " << GroupsOf(**s);
  Replace(dir, "other.yaml", AwsAuth("g2"));
  ASSERT_TRUE((*s)->Refresh());
  EXPECT_EQ(GroupsOf(**s), "g2 by EKSConfigMap");
}

class StoreSources : public ::testing::Test {
 protected:
  void SetUp() override {
    auto kv = store::SqliteKv::Open(dir_.path() + "/store.db");
    ASSERT_TRUE(kv);
    eks::ClusterAccess seed;
    seed.cluster = {"demo", "111122223333", "us-east-1", "aws"};
    seed.mode = eks::AuthenticationMode::kApi;
    store_ = std::move(*store::KvAccessStore::Open(*kv, seed));
    ASSERT_TRUE(store_->Update([](eks::ClusterAccess& c) {
      return eks::CreateEntry(c, {kUser, "", "alice", {"from-entry"}, {}}, "u", Clock::now());
    }));
  }
  SourceSettings Settings() {
    SourceSettings s = AwsAuthSettings(dir_);
    dir_.Write("aws-auth.yaml", AwsAuth("from-aws-auth"));
    s.store = store_;
    return s;
  }
  testing::TempDir dir_;
  std::shared_ptr<store::AccessStore> store_;
};

TEST_F(StoreSources, TheStoreGivesEntriesAndTheMode) {
  auto s = Sources::Open(Settings());
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ((*s)->snapshot()->authentication_mode, eks::AuthenticationMode::kApi) << "the store's mode wins";
  EXPECT_EQ(GroupsOf(**s), "from-entry by AccessEntry");
  SourceSettings flag = Settings();
  flag.authentication_mode = eks::AuthenticationMode::kConfigMap;
  flag.store_sets_mode = false;  // --authentication-mode
  auto t = Sources::Open(std::move(flag));
  EXPECT_EQ(GroupsOf(**t), "from-aws-auth by EKSConfigMap");
}

TEST_F(StoreSources, AnotherHandlesWriteIsSeenWithoutAsking) {
  auto s = Sources::Open(Settings());
  ASSERT_TRUE(s);
  (*s)->Watch(nullptr);
  auto kv = store::SqliteKv::Open(dir_.path() + "/store.db");
  auto other = store::KvAccessStore::Open(*kv, eks::ClusterAccess{});
  ASSERT_TRUE(other);
  ASSERT_TRUE((*other)->Update([](eks::ClusterAccess& c) {
    return eks::UpdateEntry(c, kUser, std::vector<std::string>{"changed"}, std::nullopt, Clock::now());
  }));
  EXPECT_TRUE(Eventually([&] { return GroupsOf(**s) == "changed by AccessEntry"; })) << GroupsOf(**s);
}

TEST_F(StoreSources, AFailedReconfigureChangesNothing) {
  auto s = Sources::Open(Settings());
  ASSERT_TRUE(s);
  auto before = (*s)->snapshot();
  SourceSettings bad = Settings();
  bad.rbac = true;
  bad.rbac_paths = {dir_.path() + "/no-such-folder"};
  ASSERT_FALSE((*s)->Reconfigure(std::move(bad)));
  EXPECT_EQ((*s)->snapshot(), before);
}

}  // namespace
}  // namespace kubeiam::state
