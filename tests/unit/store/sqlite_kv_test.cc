// What only the SQLite store has: its file (0600, schema versions, a newer one refused), the
// move of schema 1 and 2 access tables into keys with nothing lost, and history kept for a
// bounded number of revisions.
#include "store/sqlite_kv.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "store/access_keys.h"
#include "store/kv_access_store.h"
#include "support/paths.h"
#include "support/temp_dir.h"

namespace kubeiam::store {
namespace {

// A database file made from SQL text (the fixtures are `sqlite3 .dump` output).
void MakeDatabase(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_close(db);
}

std::string Schema2Fixture() {
  std::ifstream in(std::string(KUBEIAM_TEST_DIR) + "/data/store/schema2.sql");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(SqliteKv, TheFileIsPrivate) {
  testing::TempDir dir;
  ASSERT_TRUE(SqliteKv::Open(dir.path() + "/kv.db"));
  struct stat st;
  ASSERT_EQ(stat((dir.path() + "/kv.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

// The file schema 2 wrote (tests/data/store/schema2.sql): every entry, policy, time and the
// mode survive, and the count of writes goes on from where it was.
TEST(SqliteKv, MovesASchemaTwoFileIntoKeys) {
  testing::TempDir dir;
  std::string path = dir.path() + "/access.db";
  MakeDatabase(path, Schema2Fixture());
  auto kv = SqliteKv::Open(path);
  ASSERT_TRUE(kv) << kv.error().message;
  auto s = KvAccessStore::Open(*kv, eks::ClusterAccess{});
  ASSERT_TRUE(s) << s.error().message;
  auto c = (*s)->Load();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->cluster.name, "demo");
  EXPECT_EQ(c->mode, eks::AuthenticationMode::kApi);
  EXPECT_EQ(c->revision, 6u);
  ASSERT_EQ(c->entries.size(), 3u);
  EXPECT_EQ(c->entries[0].principal_arn, "arn:aws:iam::111122223333:role/teams/Dev") << "oldest first";
  EXPECT_EQ(c->entries[0].kubernetes_groups, (std::vector<std::string>{"devs", "viewers"}));
  EXPECT_EQ(c->entries[0].tags.at("team"), "a");
  ASSERT_EQ(c->entries[0].policies.size(), 1u);
  EXPECT_EQ(c->entries[0].policies[0].scope.namespaces, (std::vector<std::string>{"dev-a", "dev-b"}));
  EXPECT_EQ(c->entries[0].created_at.time_since_epoch(), std::chrono::microseconds(1796042309884387));
  EXPECT_EQ(c->entries[2].type, "EC2_LINUX");
  EXPECT_EQ(c->entries[2].kubernetes_groups, std::vector<std::string>{"system:nodes"});
  ASSERT_TRUE((*s)->Update([](eks::ClusterAccess& x) { return eks::DeleteEntry(x, "arn:aws:iam::111122223333:role/Nodes"); }));
  EXPECT_EQ(*(*s)->Revision(), 7u);
  // The old tables are gone; the file is schema 3.
  auto tables = (*kv)->Range({"", std::string(1, '\0'), 0});
  EXPECT_EQ(tables->kvs.size(), 3u) << "config and two entries";
}

TEST(SqliteKv, MovesASchemaOneFileIntoKeys) {
  testing::TempDir dir;
  std::string path = dir.path() + "/access.db";
  MakeDatabase(path, Schema2Fixture() + "ALTER TABLE access_entries DROP COLUMN client_request_token; PRAGMA user_version = 1;");
  auto kv = SqliteKv::Open(path);
  ASSERT_TRUE(kv) << kv.error().message;
  auto c = (*KvAccessStore::Open(*kv, eks::ClusterAccess{}))->Load();
  ASSERT_TRUE(c);
  ASSERT_EQ(c->entries.size(), 3u);
  EXPECT_TRUE(c->entries[0].client_request_token.empty());
}

TEST(SqliteKv, ANewerSchemaIsRefused) {
  testing::TempDir dir;
  std::string path = dir.path() + "/kv.db";
  MakeDatabase(path, "PRAGMA user_version = 99");
  auto s = SqliteKv::Open(path);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("schema version 99 is newer"), std::string::npos) << s.error().message;
}

TEST(SqliteKv, HistoryIsKeptForABoundedNumberOfRevisions) {
  testing::TempDir dir;
  auto kv = SqliteKv::Open(dir.path() + "/kv.db", {.history = 100});
  ASSERT_TRUE(kv);
  for (int i = 0; i < 400; ++i) ASSERT_TRUE((*kv)->Txn({{}, {Put("k", std::to_string(i))}, {}}));
  EXPECT_FALSE((*kv)->Watch("k", "", 1)) << "revision 1 was compacted";
  auto recent = (*kv)->Watch("k", "", 301);
  ASSERT_TRUE(recent) << recent.error().message;
  auto batch = (*recent)->Next(std::chrono::milliseconds(10));
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->size(), 100u);
}

}  // namespace
}  // namespace kubeiam::store
