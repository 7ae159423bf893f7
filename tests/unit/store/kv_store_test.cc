// The KvStore contract (etcd's data model), run against every implementation: revisions and
// per-key create/mod revisions and versions, ranges, transactions guarded by compares (two
// processes incrementing one counter lose nothing), watches from a revision (in order, filtered
// to their range, across processes), compaction reported as kGone, and kill -9 in the middle of
// a burst losing nothing that was acknowledged.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "store/etcd_kv.h"
#include "store/sqlite_kv.h"
#include "support/etcd_server.h"
#include "support/temp_dir.h"
#include "unit/store/kv_store_suite.h"

namespace kubeiam::store {
namespace {

class KvStoreTest : public ::testing::TestWithParam<KvStoreFactory> {
 protected:
  std::shared_ptr<KvStore> Open() { return GetParam().open(dir_.path()); }
  testing::TempDir dir_;
};

int64_t Increment(KvStore& kv, const std::string& key, int* conflicts = nullptr) {
  for (;;) {
    auto cur = kv.Range({key, "", 0});
    if (!cur) return -1;
    int64_t n = cur->kvs.empty() ? 0 : std::stoll(cur->kvs[0].value);
    int64_t mod = cur->kvs.empty() ? 0 : cur->kvs[0].mod_revision;
    auto r = kv.Txn({{ModRevisionIs(key, mod)}, {Put(key, std::to_string(n + 1))}, {}});
    if (!r) return -1;
    if (r->succeeded) return r->revision;
    if (conflicts) ++*conflicts;
  }
}

TEST_P(KvStoreTest, RevisionsMoveWithEveryChange) {
  auto kv = Open();
  auto r1 = kv->Txn({{}, {Put("a", "1")}, {}});
  ASSERT_TRUE(r1) << r1.error().message;
  int64_t base = r1->revision;
  ASSERT_TRUE(kv->Txn({{}, {Put("a", "2"), Put("b", "x")}, {}}));
  auto got = kv->Range({"a", "", 0});
  ASSERT_TRUE(got);
  ASSERT_EQ(got->kvs.size(), 1u);
  EXPECT_EQ(got->revision, base + 1) << "two puts in one transaction: one revision";
  EXPECT_EQ(got->kvs[0].value, "2");
  EXPECT_EQ(got->kvs[0].create_revision, base);
  EXPECT_EQ(got->kvs[0].mod_revision, base + 1);
  EXPECT_EQ(got->kvs[0].version, 2);
  auto noop = kv->Txn({{}, {Delete("missing")}, {}});
  ASSERT_TRUE(noop);
  EXPECT_EQ(noop->revision, base + 1) << "a transaction that changes nothing keeps the revision";
  auto del = kv->Txn({{}, {Delete("a")}, {}});
  EXPECT_EQ(del->revision, base + 2);
  EXPECT_TRUE(kv->Range({"a", "", 0})->kvs.empty());
  ASSERT_TRUE(kv->Txn({{}, {Put("a", "3")}, {}}));
  auto again = kv->Range({"a", "", 0});
  EXPECT_EQ(again->kvs[0].create_revision, base + 3) << "a recreated key starts over";
  EXPECT_EQ(again->kvs[0].version, 1);
}

TEST_P(KvStoreTest, RangesFollowEtcd) {
  auto kv = Open();
  ASSERT_TRUE(kv->Txn({{}, {Put("p/b", "2"), Put("p/a", "1"), Put("p/c", "3"), Put("q", "4"), Put("p", "0")}, {}}));
  auto prefix = kv->Range({"p/", PrefixEnd("p/"), 0});
  ASSERT_EQ(prefix->kvs.size(), 3u);
  EXPECT_EQ(prefix->kvs[0].key, "p/a");
  EXPECT_EQ(prefix->kvs[2].key, "p/c");
  auto limited = kv->Range({"p/", PrefixEnd("p/"), 2});
  EXPECT_EQ(limited->kvs.size(), 2u);
  EXPECT_TRUE(limited->more);
  EXPECT_FALSE(prefix->more);
  EXPECT_EQ(kv->Range({"p/b", std::string(1, '\0'), 0})->kvs.size(), 3u) << "p/b, p/c, q";
  EXPECT_EQ(PrefixEnd("a\xff"), "b");
  ASSERT_TRUE(kv->Txn({{}, {{Operation::Kind::kDelete, "p/", "", PrefixEnd("p/")}}, {}}));
  EXPECT_EQ(kv->Range({"", std::string(1, '\0'), 0})->kvs.size(), 2u) << "p and q are left";
}

// Counting ignores the filters and the limit (etcd's count); min_mod_revision keeps the keys
// changed since; keys_only drops the values.
TEST_P(KvStoreTest, CountsAndModRevisionFilters) {
  auto kv = Open();
  ASSERT_TRUE(kv->Txn({{}, {Put("p/a", "1"), Put("p/b", "2"), Put("p/c", "3")}, {}}));
  auto before = kv->Range({"p/", PrefixEnd("p/"), 0});
  ASSERT_TRUE(before);
  EXPECT_EQ(before->count, 3);
  ASSERT_TRUE(kv->Txn({{}, {Put("p/c", "30")}, {}}));
  RangeRequest since{"p/", PrefixEnd("p/"), 0, before->revision + 1, true};
  auto changed = kv->Range(since);
  ASSERT_TRUE(changed);
  ASSERT_EQ(changed->kvs.size(), 1u);
  EXPECT_EQ(changed->kvs[0].key, "p/c");
  EXPECT_EQ(changed->kvs[0].value, "") << "keys only";
  EXPECT_EQ(changed->count, 3) << "the count ignores the filter";
  since.min_mod_revision = changed->revision + 1;
  since.limit = 1;
  auto none = kv->Range(since);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->kvs.empty());
  EXPECT_EQ(none->count, 3);
  EXPECT_EQ(kv->Range({"p/", PrefixEnd("p/"), 1})->count, 3) << "the count ignores the limit";
}

// A read at an older revision: etcd gives that moment's values, SQLite (no old values kept)
// says it is gone; either way never today's values under yesterday's revision.
TEST_P(KvStoreTest, ReadsAtARevision) {
  auto kv = Open();
  auto first = kv->Txn({{}, {Put("r/k", "old")}, {}});
  ASSERT_TRUE(first);
  ASSERT_TRUE(kv->Txn({{}, {Put("r/k", "new")}, {}}));
  RangeRequest then{"r/k", "", 0};
  then.revision = first->revision;
  auto got = kv->Range(then);
  if (got) {
    ASSERT_EQ(got->kvs.size(), 1u);
    EXPECT_EQ(got->kvs[0].value, "old");
  } else {
    EXPECT_EQ(got.error().code, ErrorCode::kGone) << got.error().message;
  }
  then.revision = kv->Range({"r/k", "", 0})->revision;
  EXPECT_EQ(kv->Range(then)->kvs.at(0).value, "new");
}

TEST_P(KvStoreTest, ComparesChooseTheBranch) {
  auto kv = Open();
  ASSERT_TRUE(kv->Txn({{}, {Put("k", "v1")}, {}}));
  int64_t mod = kv->Range({"k", "", 0})->kvs[0].mod_revision;
  auto stale = kv->Txn({{ModRevisionIs("k", mod - 1)}, {Put("k", "lost")}, {Put("why", "conflict")}});
  ASSERT_TRUE(stale);
  EXPECT_FALSE(stale->succeeded);
  EXPECT_EQ(kv->Range({"k", "", 0})->kvs[0].value, "v1");
  EXPECT_EQ(kv->Range({"why", "", 0})->kvs[0].value, "conflict") << "the failure branch ran";
  using T = Compare::Target;
  using R = Compare::Relation;
  EXPECT_TRUE(kv->Txn({{{"k", T::kValue, R::kEqual, 0, "v1"}}, {}, {}})->succeeded);
  EXPECT_TRUE(kv->Txn({{{"k", T::kVersion, R::kGreater, 0, ""}}, {}, {}})->succeeded);
  EXPECT_TRUE(kv->Txn({{{"nope", T::kCreateRevision, R::kEqual, 0, ""}}, {}, {}})->succeeded) << "missing: revision 0";
  EXPECT_FALSE(kv->Txn({{{"nope", T::kValue, R::kNotEqual, 0, "x"}}, {}, {}})->succeeded) << "missing: no value compare holds";
  EXPECT_TRUE(kv->Txn({{{"k", T::kModRevision, R::kLess, mod + 1, ""}}, {}, {}})->succeeded);
}

TEST_P(KvStoreTest, OversizedRequestsAreRefusedAndChangeNothing) {
  auto kv = Open();
  auto r = kv->Txn({{}, {Put("a", "1"), Put("big", std::string(2 << 20, 'x'))}, {}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("too large"), std::string::npos) << r.error().message;
  EXPECT_TRUE(kv->Range({"a", "", 0})->kvs.empty());
  std::vector<Operation> many;
  for (int i = 0; i < 129; ++i) many.push_back(Put("m" + std::to_string(i), "v"));
  auto ops = kv->Txn({{}, many, {}});
  ASSERT_FALSE(ops) << "etcd's limit is 128 operations";
  EXPECT_NE(ops.error().message.find("too many operations"), std::string::npos) << ops.error().message;
}

// Two processes, 500 compare-and-swap increments each, on one counter: 1,000.
TEST_P(KvStoreTest, ConflictingWritersInTwoProcessesLoseNothing) {
  Open();  // create it before the race
  std::vector<pid_t> children;
  for (int p = 0; p < 2; ++p) {
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      auto kv = GetParam().open(dir_.path());
      for (int i = 0; i < 500; ++i) {
        if (Increment(*kv, "counter") < 0) _exit(2);
      }
      _exit(0);
    }
    children.push_back(child);
  }
  for (pid_t c : children) {
    int status = 0;
    waitpid(c, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
  auto kv = Open();
  auto got = kv->Range({"counter", "", 0});
  ASSERT_EQ(got->kvs.size(), 1u);
  EXPECT_EQ(got->kvs[0].value, "1000");
  EXPECT_EQ(got->kvs[0].version, 1000);
}

TEST_P(KvStoreTest, AWatchFromARevisionSeesEveryChangeInOrder) {
  auto kv = Open();
  auto first = kv->Txn({{}, {Put("w/a", "1")}, {}});
  ASSERT_TRUE(kv->Txn({{}, {Put("other", "x")}, {}}));
  ASSERT_TRUE(kv->Txn({{}, {Put("w/b", "2"), Put("w/a", "3")}, {}}));
  ASSERT_TRUE(kv->Txn({{}, {Delete("w/a")}, {}}));
  auto w = kv->Watch("w/", PrefixEnd("w/"), first->revision);
  ASSERT_TRUE(w) << w.error().message;
  std::vector<Event> seen;
  while (seen.size() < 4) {
    auto batch = (*w)->Next(std::chrono::milliseconds(500));
    ASSERT_TRUE(batch) << batch.error().message;
    ASSERT_FALSE(batch->empty()) << "only " << seen.size() << " events";
    seen.insert(seen.end(), batch->begin(), batch->end());
  }
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].kv.key, "w/a");
  EXPECT_EQ(seen[0].kv.value, "1");
  EXPECT_EQ(seen[1].kv.key, "w/b");
  EXPECT_EQ(seen[2].kv.value, "3");
  EXPECT_EQ(seen[2].kv.version, 2);
  EXPECT_EQ(seen[1].kv.mod_revision, seen[2].kv.mod_revision) << "one transaction, one revision";
  EXPECT_EQ(seen[3].type, Event::Type::kDelete);
  ASSERT_TRUE(seen[3].prev_kv);
  EXPECT_EQ(seen[3].prev_kv->value, "3");
  EXPECT_GT(seen[3].kv.mod_revision, seen[2].kv.mod_revision);
  auto quiet = (*w)->Next(std::chrono::milliseconds(30));
  ASSERT_TRUE(quiet);
  EXPECT_TRUE(quiet->empty());
}

// A watch from "now" sees what another process writes next, within moments.
TEST_P(KvStoreTest, AWatchSeesAnotherProcessesWrites) {
  auto kv = Open();
  auto w = kv->Watch("x/", PrefixEnd("x/"), 0);
  ASSERT_TRUE(w);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto other = GetParam().open(dir_.path());
    for (int i = 0; i < 50; ++i) {
      if (!other->Txn({{}, {Put("x/" + std::to_string(i), "v")}, {}})) _exit(2);
    }
    _exit(0);
  }
  int got = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (got < 50 && std::chrono::steady_clock::now() < deadline) {
    auto batch = (*w)->Next(std::chrono::milliseconds(200));
    ASSERT_TRUE(batch) << batch.error().message;
    for (const auto& e : *batch) EXPECT_EQ(e.kv.key, "x/" + std::to_string(got++));
  }
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_EQ(got, 50);
}

TEST_P(KvStoreTest, CompactedRevisionsAreReported) {
  auto kv = Open();
  std::vector<int64_t> revs;
  for (int i = 0; i < 5; ++i) revs.push_back(kv->Txn({{}, {Put("c", std::to_string(i))}, {}})->revision);
  auto lagging = kv->Watch("c", "", revs[0]);
  ASSERT_TRUE(lagging);
  ASSERT_TRUE(kv->Compact(revs[3]));
  auto old = kv->Watch("c", "", revs[1]);
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().code, ErrorCode::kGone);
  auto next = (*lagging)->Next(std::chrono::milliseconds(10));
  ASSERT_FALSE(next) << "the lagging watch has lost revisions";
  EXPECT_EQ(next.error().code, ErrorCode::kGone);
  auto fresh = kv->Watch("c", "", revs[3]);
  ASSERT_TRUE(fresh);
  std::vector<Event> seen;
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5); seen.size() < 2 && std::chrono::steady_clock::now() < until;) {
    auto batch = (*fresh)->Next(std::chrono::milliseconds(100));
    ASSERT_TRUE(batch) << batch.error().message;
    seen.insert(seen.end(), batch->begin(), batch->end());
  }
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].kv.value, "3");
  auto future = kv->Compact(revs[4] + 10);
  ASSERT_FALSE(future);
  EXPECT_EQ(future.error().code, ErrorCode::kInvalidArgument);
}

// The child writes key i with value i and reports each acknowledged write on a pipe; it is
// killed with SIGKILL mid-burst. Every acknowledged write is there after.
TEST_P(KvStoreTest, KillNineLosesNothingAcknowledged) {
  Open();
  for (int round = 0; round < 3; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(fds[0]);
      auto kv = GetParam().open(dir_.path());
      for (int i = 0;; ++i) {
        std::string key = "k/" + std::to_string(round) + "/" + std::to_string(i);
        if (!kv->Txn({{}, {Put(key, std::to_string(i))}, {}})) _exit(2);
        if (write(fds[1], &i, sizeof i) != sizeof i) _exit(3);
      }
    }
    close(fds[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + 60 * round));
    kill(child, SIGKILL);
    int acknowledged = -1, i;
    while (read(fds[0], &i, sizeof i) == sizeof i) acknowledged = i;
    close(fds[0]);
    waitpid(child, nullptr, 0);
    ASSERT_GE(acknowledged, 0) << "round " << round << " wrote nothing";
    auto kv = Open();
    std::string prefix = "k/" + std::to_string(round) + "/";
    auto got = kv->Range({prefix, PrefixEnd(prefix), 0});
    ASSERT_TRUE(got);
    EXPECT_GE(int(got->kvs.size()), acknowledged + 1) << "round " << round;
  }
}

INSTANTIATE_TEST_SUITE_P(Sqlite, KvStoreTest,
                         ::testing::Values(KvStoreFactory{
                             "sqlite",
                             [](const std::string& dir) -> std::shared_ptr<KvStore> {
                               auto kv = SqliteKv::Open(dir + "/kv.db");
                               if (!kv) {
                                 ADD_FAILURE() << kv.error().message;
                                 return nullptr;
                               }
                               return *kv;
                             }}),
                         [](const auto& info) { return info.param.name; });

// The same suite on a real etcd: each test's keys under a prefix of its own.
INSTANTIATE_TEST_SUITE_P(Etcd, KvStoreTest,
                         ::testing::Values(KvStoreFactory{
                             "etcd",
                             [](const std::string& dir) -> std::shared_ptr<KvStore> {
                               std::string error;
                               std::string url = testing::SharedEtcd(&error);
                               if (url.empty()) {
                                 ADD_FAILURE() << error;
                                 return nullptr;
                               }
                               auto kv = EtcdKv::Open({.endpoints = {url}, .prefix = "/test" + dir + "/"});
                               if (!kv) {
                                 ADD_FAILURE() << kv.error().message;
                                 return nullptr;
                               }
                               return *kv;
                             }}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace kubeiam::store
