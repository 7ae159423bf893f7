// A cluster's access state on the embedded store: round trips, one transaction per write,
// refusals change nothing, two handles see each other's writes, a write puts only what it
// changed, and kill -9 in the middle of a burst of writes leaves a consistent database.
#include "store/kv_access_store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "store/access_keys.h"
#include "store/sqlite_kv.h"
#include "support/temp_dir.h"

namespace kubeiam::store {
namespace {

const TimePoint kT0 = TimePoint(std::chrono::seconds(1700000000));
const std::string kView = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";

eks::ClusterAccess Seed() {
  eks::ClusterAccess c;
  c.cluster = {"demo", "111122223333", "us-east-1", "aws"};
  c.mode = eks::AuthenticationMode::kApiAndConfigMap;
  c.created_at = kT0;
  return c;
}

Result<std::unique_ptr<KvAccessStore>> Open(const std::string& path, const eks::ClusterAccess& seed) {
  auto kv = SqliteKv::Open(path);
  if (!kv) return std::unexpected(kv.error());
  return KvAccessStore::Open(*kv, seed);
}

std::unique_ptr<KvAccessStore> OpenIn(const testing::TempDir& dir, const eks::ClusterAccess& seed = Seed()) {
  auto s = Open(dir.path() + "/access.db", seed);
  EXPECT_TRUE(s) << s.error().message;
  return s ? std::move(*s) : nullptr;
}

TEST(KvAccessStore, RoundTripsEntriesPoliciesAndMode) {
  testing::TempDir dir;
  auto s = OpenIn(dir);
  ASSERT_TRUE(s);
  struct stat st;
  ASSERT_EQ(stat((dir.path() + "/access.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto written = s->Update([&](eks::ClusterAccess& c) -> std::optional<eks::ApiError> {
    if (auto e = eks::CreateEntry(c, {"arn:aws:iam::111122223333:role/teams/Dev", "", "", {"devs"}, {{"team", "a"}}}, "u1", kT0)) {
      return e;
    }
    return eks::Associate(c, "arn:aws:iam::111122223333:role/teams/Dev", kView, {"namespace", {"dev-*"}}, kT0);
  });
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(written->revision, 1u);
  ASSERT_TRUE(s->Update([](eks::ClusterAccess& c) { return eks::SetMode(c, eks::AuthenticationMode::kApi); }));
  s.reset();
  auto again = OpenIn(dir, eks::ClusterAccess{});  // the seed only counts for a new database
  auto c = again->Load();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->cluster.name, "demo");
  EXPECT_EQ(c->mode, eks::AuthenticationMode::kApi);
  EXPECT_EQ(c->revision, 2u);
  ASSERT_EQ(c->entries.size(), 1u);
  const auto& e = c->entries[0];
  EXPECT_EQ(e, written->entries[0]) << "every field survives, times to the microsecond";
  EXPECT_EQ(e.tags.at("team"), "a");
  ASSERT_EQ(e.policies.size(), 1u);
  EXPECT_EQ(e.policies[0].scope.namespaces, std::vector<std::string>{"dev-*"});
  EXPECT_EQ(*again->Revision(), 2u);
}

TEST(KvAccessStore, ARefusedChangeWritesNothing) {
  testing::TempDir dir;
  auto s = OpenIn(dir);
  ASSERT_TRUE(s->Update([](eks::ClusterAccess& c) {
    return eks::CreateEntry(c, {"arn:aws:iam::111122223333:user/a", "", "", {}, {}}, "u", kT0);
  }));
  // Adds a second entry, then trips on a duplicate: neither lands.
  auto refused = s->Update([](eks::ClusterAccess& c) -> std::optional<eks::ApiError> {
    if (auto e = eks::CreateEntry(c, {"arn:aws:iam::111122223333:user/b", "", "", {}, {}}, "u", kT0)) return e;
    return eks::CreateEntry(c, {"arn:aws:iam::111122223333:user/A", "", "", {}, {}}, "u", kT0);
  });
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().type, "ResourceInUseException");
  EXPECT_EQ(refused.error().status, 409);
  auto c = s->Load();
  EXPECT_EQ(c->entries.size(), 1u);
  EXPECT_EQ(c->revision, 1u);
}

TEST(KvAccessStore, DeleteCascadesAndModesAreOneWay) {
  testing::TempDir dir;
  auto s = OpenIn(dir);
  const std::string arn = "arn:aws:iam::111122223333:user/a";
  ASSERT_TRUE(s->Update([&](eks::ClusterAccess& c) -> std::optional<eks::ApiError> {
    if (auto e = eks::CreateEntry(c, {arn, "", "", {}, {}}, "u", kT0)) return e;
    return eks::Associate(c, arn, kView, {}, kT0);
  }));
  ASSERT_TRUE(s->Update([&](eks::ClusterAccess& c) { return eks::DeleteEntry(c, arn); }));
  ASSERT_TRUE(s->Update([&](eks::ClusterAccess& c) { return eks::CreateEntry(c, {arn, "", "", {}, {}}, "u2", kT0); }));
  EXPECT_TRUE(s->Load()->entries[0].policies.empty()) << "a recreated entry has no old associations";
  auto back = s->Update([](eks::ClusterAccess& c) { return eks::SetMode(c, eks::AuthenticationMode::kConfigMap); });
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().type, "InvalidParameterException");
}

TEST(KvAccessStore, TwoHandlesSeeEachOthersWrites) {
  testing::TempDir dir;
  auto a = OpenIn(dir);
  auto b = OpenIn(dir);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->Update([](eks::ClusterAccess& c) {
    return eks::CreateEntry(c, {"arn:aws:iam::111122223333:user/a", "", "", {}, {}}, "u", kT0);
  }));
  EXPECT_EQ(*b->Revision(), 1u);
  EXPECT_EQ(b->Load()->entries.size(), 1u);
  // Concurrent writers serialize: 2 x 20 creates, none lost.
  auto burst = [](KvAccessStore* s, const std::string& who) {
    for (int i = 0; i < 20; ++i) {
      auto r = s->Update([&](eks::ClusterAccess& c) {
        return eks::CreateEntry(c, {"arn:aws:iam::111122223333:user/" + who + std::to_string(i), "", "", {}, {}}, "u", kT0);
      });
      ASSERT_TRUE(r) << r.error().message;
    }
  };
  std::thread t1(burst, a.get(), "x"), t2(burst, b.get(), "y");
  t1.join();
  t2.join();
  EXPECT_EQ(a->Load()->entries.size(), 41u);
  EXPECT_EQ(*a->Revision(), 41u);
}

// A write puts the entries it changed and the access config, nothing else: the other entries
// keep their mod revisions.
TEST(KvAccessStore, AWritePutsOnlyWhatItChanged) {
  testing::TempDir dir;
  auto kv = SqliteKv::Open(dir.path() + "/access.db");
  ASSERT_TRUE(kv);
  auto s = KvAccessStore::Open(*kv, Seed());
  ASSERT_TRUE(s);
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE((*s)->Update([&](eks::ClusterAccess& c) {
      return eks::CreateEntry(c, {"arn:aws:iam::111122223333:user/u" + std::to_string(i), "", "", {}, {}}, "u", kT0);
    }));
  }
  auto before = (*kv)->Range({AccessEntriesPrefix("demo"), PrefixEnd(AccessEntriesPrefix("demo")), 0});
  ASSERT_TRUE((*s)->Update([](eks::ClusterAccess& c) {
    return eks::UpdateEntry(c, "arn:aws:iam::111122223333:user/U7", std::vector<std::string>{"g"}, std::nullopt, kT0);
  }));
  auto after = (*kv)->Range({AccessEntriesPrefix("demo"), PrefixEnd(AccessEntriesPrefix("demo")), 0});
  ASSERT_EQ(after->kvs.size(), 20u);
  int moved = 0;
  for (size_t i = 0; i < 20; ++i) moved += after->kvs[i].mod_revision != before->kvs[i].mod_revision;
  EXPECT_EQ(moved, 1);
  EXPECT_EQ(after->revision, before->revision + 1) << "one transaction";
}

// Another handle's write moves the access config; this handle's next write re-reads and keeps it.
TEST(KvAccessStore, AStaleHandleRereadsBeforeWriting) {
  testing::TempDir dir;
  auto a = OpenIn(dir), b = OpenIn(dir);
  ASSERT_TRUE(a->Update([](eks::ClusterAccess& c) {
    return eks::CreateEntry(c, {"arn:aws:iam::111122223333:user/a", "", "", {}, {}}, "u", kT0);
  }));
  ASSERT_TRUE(b->Update([](eks::ClusterAccess& c) {
    return eks::CreateEntry(c, {"arn:aws:iam::111122223333:user/b", "", "", {}, {}}, "u", kT0);
  }));
  auto dup = a->Update([](eks::ClusterAccess& c) {
    return eks::CreateEntry(c, {"arn:aws:iam::111122223333:user/b", "", "", {}, {}}, "u", kT0);
  });
  ASSERT_FALSE(dup) << "a saw b's entry";
  EXPECT_EQ(dup.error().type, "ResourceInUseException");
  EXPECT_EQ(a->Load()->entries.size(), 2u);
}

TEST(KvAccessStore, AnUnnamedSeedOpensTheOnlyCluster) {
  testing::TempDir dir;
  auto kv = SqliteKv::Open(dir.path() + "/access.db");
  ASSERT_TRUE(kv);
  auto none = KvAccessStore::Open(*kv, eks::ClusterAccess{});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(KvAccessStore::Open(*kv, Seed()));
  EXPECT_EQ((*KvAccessStore::Open(*kv, eks::ClusterAccess{}))->cluster(), "demo");
  eks::ClusterAccess other = Seed();
  other.cluster.name = "prod";
  ASSERT_TRUE(KvAccessStore::Open(*kv, other));
  auto two = KvAccessStore::Open(*kv, eks::ClusterAccess{});
  ASSERT_FALSE(two);
  EXPECT_NE(two.error().message.find("2 clusters (demo, prod)"), std::string::npos) << two.error().message;
}

// A child writes as fast as it can (each write: one entry and its policy); the parent kills it
// with SIGKILL at different moments. After each kill the store opens, passes SQLite's integrity
// check, and every entry has its policy: no write is half there.
TEST(KvAccessStore, SurvivesKillNineDuringABurst) {
  testing::TempDir dir;
  OpenIn(dir).reset();
  int next = 0;
  for (int round = 0; round < 5; ++round) {
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      auto s = Open(dir.path() + "/access.db", Seed());
      if (!s) _exit(3);
      for (int i = 0;; ++i) {
        std::string arn = "arn:aws:iam::111122223333:user/r" + std::to_string(round) + "-" + std::to_string(i);
        (void)(*s)->Update([&](eks::ClusterAccess& c) -> std::optional<eks::ApiError> {
          if (auto e = eks::CreateEntry(c, {arn, "", "", {}, {}}, "u", Clock::now())) return e;
          return eks::Associate(c, arn, kView, {}, Clock::now());
        });
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + 70 * round));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself: " << status;
    auto s = OpenIn(dir);
    ASSERT_TRUE(s);
    auto c = s->Load();
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_GT(int(c->entries.size()), next) << "round " << round << " wrote nothing";
    next = int(c->entries.size());
    EXPECT_EQ(c->revision, c->entries.size()) << "one revision per committed write";
    for (const auto& e : c->entries) EXPECT_EQ(e.policies.size(), 1u) << e.principal_arn;
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir.path() + "/access.db").c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "ok");
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
}

}  // namespace
}  // namespace kubeiam::store
