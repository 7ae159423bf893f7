// The embedded store: the KvStore on one SQLite database file (WAL journal, full sync, 0600),
// its schema versioned with PRAGMA user_version and migrated forward on open — including the
// access tables of schema 2, whose entries become keys with nothing lost. Safe to share between
// processes on one machine: SQLite's locks serialize transactions (a writer waits up to 5 s),
// and watches wake on any process's commit (inotify on the WAL file; polling the history
// table every few milliseconds where inotify is missing).
//
// The history of changes is kept for `history` revisions (older ones are compacted as writes
// go on) so that watches can resume.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "store/kv.h"

struct sqlite3;

namespace kubeiam::store {

class SqliteKv : public KvStore, public std::enable_shared_from_this<SqliteKv> {
 public:
  struct Options {
    int64_t history = 10000;  // revisions of history kept for watches
    std::chrono::milliseconds poll{5};  // how often a waiting watch looks for other processes' commits
  };

  // Opens or creates the database (0600). Errors name the file and what failed; a schema newer
  // than this release is refused.
  static Result<std::shared_ptr<SqliteKv>> Open(const std::string& path, Options options);
  static Result<std::shared_ptr<SqliteKv>> Open(const std::string& path) { return Open(path, Options()); }
  ~SqliteKv() override;

  Result<RangeResponse> Range(const RangeRequest& request) override;
  Result<TxnResponse> Txn(const TxnRequest& request) override;
  Result<std::unique_ptr<Watcher>> Watch(const std::string& key, const std::string& range_end,
                                         int64_t start_revision) override;
  Status Compact(int64_t revision) override;

  const std::string& path() const { return path_; }
  static constexpr int kSchemaVersion = 3;

 private:
  class SqliteWatcher;
  SqliteKv(sqlite3* db, std::string path, Options options) : db_(db), path_(std::move(path)), options_(options) {}
  Status Migrate();
  Status Exec(const char* sql);
  Error Failure(std::string_view what) const;
  Result<int64_t> Meta(const char* name);
  Status SetMeta(const char* name, int64_t value);
  Result<bool> Holds(const Compare& c);
  // Keys in the request's range, before its filters (the caller holds mu_).
  Result<int64_t> CountRange(const RangeRequest& request);
  // Applies one operation at `revision`; `sub` numbers the changes within it. Returns whether
  // something changed.
  Result<bool> Apply(const Operation& op, int64_t revision, int64_t& sub);
  // Where a watch has read to: the last history row (revision, sub); INT64_MAX as sub when the
  // whole revision was read.
  struct Cursor {
    int64_t revision, sub;
  };
  // Appends the events in range after `cursor` (one batch) and moves it; returns whether any row
  // was read. kGone when rows the cursor still needs were compacted.
  // kGone when `revision` is older than the last compaction (the caller holds mu_).
  Status Retained(int64_t revision);
  Result<bool> EventsSince(const std::string& key, const std::string& range_end, Cursor& cursor, std::vector<Event>& out);

  std::mutex mu_;  // one connection, one transaction at a time
  std::condition_variable committed_;
  sqlite3* db_;
  std::string path_;
  Options options_;
};

}  // namespace kubeiam::store
