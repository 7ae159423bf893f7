#include "store/sqlite_kv.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstring>

#include "store/access_keys.h"
#include "store/legacy_access_tables.h"
#include "store/sqlite_statement.h"

namespace kubeiam::store {
namespace {

// Schema 3: every key's current value, the history of changes (for watches), and two counters.
// A delete's history row keeps the value it removed (the watch's prev_kv).
const char* const kKvSchema = R"(
  CREATE TABLE kv (key BLOB PRIMARY KEY, value BLOB NOT NULL, create_revision INTEGER NOT NULL,
                   mod_revision INTEGER NOT NULL, version INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE history (revision INTEGER NOT NULL, sub INTEGER NOT NULL, key BLOB NOT NULL,
                        deleted INTEGER NOT NULL, value BLOB NOT NULL, create_revision INTEGER NOT NULL,
                        version INTEGER NOT NULL, prev_mod_revision INTEGER NOT NULL,
                        PRIMARY KEY (revision, sub)) WITHOUT ROWID;
  CREATE TABLE kv_meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
  INSERT INTO kv_meta VALUES ('revision', 0), ('compact_revision', 0);)";

const std::string kAllKeys(1, '\0');

bool Compared(int64_t have, Compare::Relation r, int64_t want) {
  switch (r) {
    case Compare::Relation::kEqual: return have == want;
    case Compare::Relation::kNotEqual: return have != want;
    case Compare::Relation::kLess: return have < want;
    case Compare::Relation::kGreater: return have > want;
  }
  return false;
}

bool Compared(const std::string& have, Compare::Relation r, const std::string& want) {
  int c = have.compare(want);
  return Compared(c < 0 ? -1 : c > 0 ? 1 : 0, r, 0);
}

// The SQL condition and bound values for a range (key alone, from key, or [key, end)).
struct RangeSql {
  const char* where;
  int binds;
};
RangeSql RangeWhere(const std::string& range_end) {
  if (range_end.empty()) return {"key = ?1", 1};
  if (range_end == kAllKeys) return {"key >= ?1", 1};
  return {"key >= ?1 AND key < ?2", 2};
}

}  // namespace

// Follows the history table from a (revision, sub) cursor. Every commit, from any process,
// writes the WAL file: an inotify watch on it wakes a waiting Next at once (polling every
// `poll` where inotify is not available, and every 100 ms regardless).
class SqliteKv::SqliteWatcher : public Watcher {
 public:
  SqliteWatcher(std::shared_ptr<SqliteKv> kv, std::string key, std::string range_end, int64_t start)
      : kv_(std::move(kv)), key_(std::move(key)), range_end_(std::move(range_end)), cursor_{start - 1, INT64_MAX} {
    wal_ = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (wal_ >= 0 && inotify_add_watch(wal_, (kv_->path_ + "-wal").c_str(), IN_MODIFY) < 0) {
      close(wal_);
      wal_ = -1;
    }
  }
  ~SqliteWatcher() override {
    if (wal_ >= 0) close(wal_);
  }

  Result<std::vector<Event>> Next(std::chrono::milliseconds wait) override {
    auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
      // Before reading: a commit after the read wakes the wait below.
      if (Drain()) woken_ = std::chrono::steady_clock::now();
      std::vector<Event> events;
      auto scanned = kv_->EventsSince(key_, range_end_, cursor_, events);
      if (!scanned) return std::unexpected(scanned.error());
      if (!events.empty()) return events;
      if (*scanned) continue;  // rows outside the range: read on
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return events;
      if (wal_ >= 0) {
        // A transaction writes the WAL before it is visible (the commit lands in shared memory,
        // which inotify does not see): for a moment after a write, look again every millisecond.
        bool settling = now - woken_ < std::chrono::milliseconds(50);
        pollfd p{wal_, POLLIN, 0};
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
        (void)poll(&p, 1, int(std::min<int64_t>(left, settling ? 1 : 100)));
        continue;
      }
      std::unique_lock<std::mutex> l(kv_->mu_);
      kv_->committed_.wait_for(l, std::min<std::chrono::steady_clock::duration>(kv_->options_.poll, deadline - now));
    }
  }

 private:
  // Reads the pending inotify events; whether there were any.
  bool Drain() {
    char buf[1024];
    bool any = false;
    while (wal_ >= 0 && read(wal_, buf, sizeof buf) > 0) any = true;
    return any;
  }
  int wal_ = -1;
  std::chrono::steady_clock::time_point woken_{};
  std::shared_ptr<SqliteKv> kv_;
  std::string key_, range_end_;
  Cursor cursor_;
};

Error SqliteKv::Failure(std::string_view what) const {
  return {ErrorCode::kUnavailable, path_ + ": " + std::string(what) + ": " + sqlite3_errmsg(db_)};
}

Status SqliteKv::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) == SQLITE_OK) return {};
  std::string message = err ? err : sqlite3_errmsg(db_);
  sqlite3_free(err);
  return Fail(ErrorCode::kUnavailable, path_ + ": " + message);
}

Result<int64_t> SqliteKv::Meta(const char* name) {
  SqliteStatement s(db_, "SELECT value FROM kv_meta WHERE name = ?");
  if (s.Bind(1, name).Step() != SQLITE_ROW) return std::unexpected(Failure(std::string("reading ") + name));
  return s.Int(0);
}

Status SqliteKv::SetMeta(const char* name, int64_t value) {
  SqliteStatement s(db_, "UPDATE kv_meta SET value = ? WHERE name = ?");
  if (!s.Bind(1, value).Bind(2, name).Run()) return std::unexpected(Failure(std::string("writing ") + name));
  return {};
}

Result<std::shared_ptr<SqliteKv>> SqliteKv::Open(const std::string& path, Options options) {
  // Create the file 0600 ourselves, so that it never exists with wider permissions.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Fail(ErrorCode::kPermissionDenied, path + ": cannot open: " + std::strerror(errno));
  ::close(fd);
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Fail(ErrorCode::kUnavailable, path + ": cannot open the store: " + message);
  }
  std::shared_ptr<SqliteKv> kv(new SqliteKv(db, path, options));
  sqlite3_busy_timeout(db, 5000);
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
    if (auto ok = kv->Exec(pragma); !ok) return std::unexpected(ok.error());
  }
  if (auto ok = kv->Migrate(); !ok) return std::unexpected(ok.error());
  return kv;
}

// Inside one write transaction, so that two processes opening at once migrate once. Schemas 1
// and 2 held one cluster's access tables: their state becomes keys at one revision after the
// writes they recorded, so that revisions keep growing.
Status SqliteKv::Migrate() {
  if (auto ok = Exec("BEGIN IMMEDIATE"); !ok) return ok;
  auto fail = [&](Error e) -> Status {
    (void)Exec("ROLLBACK");
    return std::unexpected(std::move(e));
  };
  int64_t from = [&] {
    SqliteStatement version(db_, "PRAGMA user_version");
    return version.Step() == SQLITE_ROW ? version.Int(0) : 0;
  }();
  if (from > kSchemaVersion) {
    return fail({ErrorCode::kInvalidArgument, path_ + ": schema version " + std::to_string(from) +
                                                  " is newer than this kubeiam understands (" +
                                                  std::to_string(kSchemaVersion) + ")"});
  }
  if (from == kSchemaVersion) return Exec("COMMIT");
  for (int64_t v = from; v > 0 && v < 2; ++v) {
    if (auto ok = Exec(kLegacyMigrations[v]); !ok) return fail(ok.error());
  }
  if (auto ok = Exec(kKvSchema); !ok) return fail(ok.error());
  if (from > 0) {
    auto legacy = ReadLegacyAccessTables(db_);
    if (!legacy) return fail(legacy.error().Wrap(path_ + ": moving schema " + std::to_string(from) + " to keys"));
    int64_t revision = int64_t(legacy->revision) + 1, sub = 0;
    if (auto ok = Apply(Put(AccessConfigKey(legacy->cluster.name), EncodeAccessConfig(*legacy)), revision, sub); !ok) {
      return fail(ok.error());
    }
    for (const auto& e : legacy->entries) {
      auto ok = Apply(Put(AccessEntryKey(legacy->cluster.name, e.principal_arn), EncodeAccessEntry(e)), revision, sub);
      if (!ok) return fail(ok.error());
    }
    if (auto ok = SetMeta("revision", revision); !ok) return fail(ok.error());
    if (auto ok = Exec(kDropLegacyAccessTables); !ok) return fail(ok.error());
  }
  std::string set = "PRAGMA user_version = " + std::to_string(kSchemaVersion);
  if (auto ok = Exec(set.c_str()); !ok) return fail(ok.error());
  if (auto ok = Exec("COMMIT"); !ok) return fail(ok.error());
  return {};
}

SqliteKv::~SqliteKv() { sqlite3_close_v2(db_); }

Result<RangeResponse> SqliteKv::Range(const RangeRequest& request) {
  std::lock_guard<std::mutex> l(mu_);
  // One read transaction: the revision and the rows come from the same moment.
  if (auto ok = Exec("BEGIN"); !ok) return std::unexpected(ok.error());
  RangeResponse out;
  auto done = [&](Result<RangeResponse> r) {
    (void)Exec("COMMIT");
    return r;
  };
  auto revision = Meta("revision");
  if (!revision) return done(std::unexpected(revision.error()));
  out.revision = *revision;
  if (request.revision > 0 && request.revision != *revision) {
    return done(Fail(ErrorCode::kGone, "the store is at revision " + std::to_string(*revision) + ", not " +
                                           std::to_string(request.revision) + " (SQLite reads the latest only)"));
  }
  RangeSql where = RangeWhere(request.range_end);
  auto count = CountRange(request);
  if (!count) return done(std::unexpected(count.error()));
  out.count = *count;
  std::string sql = std::string("SELECT key, ") + (request.keys_only ? "''" : "value") +
                    ", create_revision, mod_revision, version FROM kv WHERE " + where.where +
                    " AND mod_revision >= ?4 ORDER BY key LIMIT ?3";
  SqliteStatement s(db_, sql.c_str());
  s.BindBlob(1, request.key);
  if (where.binds == 2) s.BindBlob(2, request.range_end);
  s.Bind(3, request.limit > 0 ? request.limit + 1 : int64_t(-1));
  s.Bind(4, request.min_mod_revision);
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    if (request.limit > 0 && int64_t(out.kvs.size()) == request.limit) {
      out.more = true;
      break;
    }
    out.kvs.push_back({s.Text(0), s.Text(1), s.Int(2), s.Int(3), s.Int(4)});
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return done(std::unexpected(Failure("reading keys")));
  return done(std::move(out));
}

Result<int64_t> SqliteKv::CountRange(const RangeRequest& request) {
  RangeSql where = RangeWhere(request.range_end);
  std::string sql = std::string("SELECT COUNT(*) FROM kv WHERE ") + where.where;
  SqliteStatement s(db_, sql.c_str());
  s.BindBlob(1, request.key);
  if (where.binds == 2) s.BindBlob(2, request.range_end);
  if (s.Step() != SQLITE_ROW) return std::unexpected(Failure("counting keys"));
  return s.Int(0);
}

Result<bool> SqliteKv::Holds(const Compare& c) {
  SqliteStatement s(db_, "SELECT value, create_revision, mod_revision, version FROM kv WHERE key = ?");
  int rc = s.BindBlob(1, c.key).Step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return std::unexpected(Failure("reading " + c.key));
  bool found = rc == SQLITE_ROW;
  switch (c.target) {
    case Compare::Target::kValue: return found && Compared(s.Text(0), c.relation, c.value);
    case Compare::Target::kCreateRevision: return Compared(found ? s.Int(1) : 0, c.relation, c.number);
    case Compare::Target::kModRevision: return Compared(found ? s.Int(2) : 0, c.relation, c.number);
    case Compare::Target::kVersion: return Compared(found ? s.Int(3) : 0, c.relation, c.number);
  }
  return false;
}

Result<bool> SqliteKv::Apply(const Operation& op, int64_t revision, int64_t& sub) {
  if (op.kind == Operation::Kind::kPut) {
    SqliteStatement old(db_, "SELECT create_revision, version FROM kv WHERE key = ?");
    int rc = old.BindBlob(1, op.key).Step();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return std::unexpected(Failure("reading " + op.key));
    int64_t created = rc == SQLITE_ROW ? old.Int(0) : revision, version = rc == SQLITE_ROW ? old.Int(1) + 1 : 1;
    SqliteStatement put(db_, "INSERT OR REPLACE INTO kv VALUES (?, ?, ?, ?, ?)");
    put.BindBlob(1, op.key).BindBlob(2, op.value).Bind(3, created).Bind(4, revision).Bind(5, version);
    SqliteStatement log(db_, "INSERT INTO history VALUES (?, ?, ?, 0, ?, ?, ?, 0)");
    log.Bind(1, revision).Bind(2, sub++).BindBlob(3, op.key).BindBlob(4, op.value).Bind(5, created).Bind(6, version);
    if (!put.Run() || !log.Run()) return std::unexpected(Failure("writing " + op.key));
    return true;
  }
  RangeSql where = RangeWhere(op.range_end);
  std::string sql = std::string("SELECT key, value, create_revision, mod_revision, version FROM kv WHERE ") + where.where;
  SqliteStatement found(db_, sql.c_str());
  found.BindBlob(1, op.key);
  if (where.binds == 2) found.BindBlob(2, op.range_end);
  bool changed = false;
  int rc;
  while ((rc = found.Step()) == SQLITE_ROW) {
    SqliteStatement log(db_, "INSERT INTO history VALUES (?, ?, ?, 1, ?, ?, ?, ?)");
    log.Bind(1, revision).Bind(2, sub++).BindBlob(3, found.Text(0)).BindBlob(4, found.Text(1));
    log.Bind(5, found.Int(2)).Bind(6, found.Int(4)).Bind(7, found.Int(3));
    SqliteStatement del(db_, "DELETE FROM kv WHERE key = ?");
    if (!log.Run() || !del.BindBlob(1, found.Text(0)).Run()) return std::unexpected(Failure("deleting " + found.Text(0)));
    changed = true;
  }
  if (rc != SQLITE_DONE) return std::unexpected(Failure("deleting " + op.key));
  return changed;
}

Result<TxnResponse> SqliteKv::Txn(const TxnRequest& request) {
  if (auto ok = CheckTxnLimits(request); !ok) return std::unexpected(ok.error());
  std::unique_lock<std::mutex> l(mu_);
  if (auto ok = Exec("BEGIN IMMEDIATE"); !ok) return std::unexpected(ok.error());
  auto fail = [&](Error e) -> Result<TxnResponse> {
    (void)Exec("ROLLBACK");
    return std::unexpected(std::move(e));
  };
  auto revision = Meta("revision");
  if (!revision) return fail(revision.error());
  TxnResponse out{true, *revision};
  for (const auto& c : request.compares) {
    auto holds = Holds(c);
    if (!holds) return fail(holds.error());
    out.succeeded = out.succeeded && *holds;
  }
  bool changed = false;
  int64_t sub = 0;
  for (const auto& op : out.succeeded ? request.success : request.failure) {
    auto applied = Apply(op, *revision + 1, sub);
    if (!applied) return fail(applied.error());
    changed = changed || *applied;
  }
  if (changed) {
    out.revision = *revision + 1;
    if (auto ok = SetMeta("revision", out.revision); !ok) return fail(ok.error());
    // Keep `history` revisions; compacting in steps keeps each delete small.
    auto compacted = Meta("compact_revision");
    if (!compacted) return fail(compacted.error());
    if (out.revision - options_.history > *compacted + 64) {
      SqliteStatement drop(db_, "DELETE FROM history WHERE revision < ?");
      if (!drop.Bind(1, out.revision - options_.history).Run()) return fail(Failure("compacting"));
      if (auto ok = SetMeta("compact_revision", out.revision - options_.history); !ok) return fail(ok.error());
    }
  }
  if (auto ok = Exec("COMMIT"); !ok) return fail(ok.error());
  l.unlock();
  if (changed) committed_.notify_all();
  return out;
}

Status SqliteKv::Retained(int64_t revision) {
  auto compacted = Meta("compact_revision");
  if (!compacted) return std::unexpected(compacted.error());
  if (revision >= *compacted) return {};
  return Fail(ErrorCode::kGone, "required revision " + std::to_string(revision) + " has been compacted (oldest kept: " +
                                    std::to_string(*compacted) + ")");
}

Result<bool> SqliteKv::EventsSince(const std::string& key, const std::string& range_end, Cursor& cursor,
                                   std::vector<Event>& out) {
  std::lock_guard<std::mutex> l(mu_);
  if (auto ok = Exec("BEGIN"); !ok) return std::unexpected(ok.error());
  auto done = [&](Result<bool> r) {
    (void)Exec("COMMIT");
    return r;
  };
  if (auto kept = Retained(cursor.sub == INT64_MAX ? cursor.revision + 1 : cursor.revision); !kept) {
    return done(std::unexpected(kept.error()));
  }
  SqliteStatement s(db_,
                    "SELECT revision, sub, key, deleted, value, create_revision, version, prev_mod_revision FROM history "
                    "WHERE revision > ?1 OR (revision = ?1 AND sub > ?2) ORDER BY revision, sub LIMIT 512");
  s.Bind(1, cursor.revision).Bind(2, cursor.sub);
  bool scanned = false;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    scanned = true;
    cursor = {s.Int(0), s.Int(1)};
    std::string k = s.Text(2);
    if (!InRange(k, key, range_end)) continue;
    Event e;
    if (s.Int(3)) {
      e.type = Event::Type::kDelete;
      e.kv = {k, "", 0, s.Int(0), 0};
      e.prev_kv = KeyValue{k, s.Text(4), s.Int(5), s.Int(7), s.Int(6)};
    } else {
      e.kv = {std::move(k), s.Text(4), s.Int(5), s.Int(0), s.Int(6)};
    }
    out.push_back(std::move(e));
  }
  if (rc != SQLITE_DONE) return done(std::unexpected(Failure("reading the history")));
  return done(scanned);
}


Result<std::unique_ptr<Watcher>> SqliteKv::Watch(const std::string& key, const std::string& range_end,
                                                 int64_t start_revision) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (start_revision <= 0) {
      auto revision = Meta("revision");
      if (!revision) return std::unexpected(revision.error());
      start_revision = *revision + 1;
    }
    // A start before the last compaction fails now, not at the first Next.
    if (auto kept = Retained(start_revision); !kept) return std::unexpected(kept.error());
  }
  return std::unique_ptr<Watcher>(std::make_unique<SqliteWatcher>(shared_from_this(), key, range_end, start_revision));
}

Status SqliteKv::Compact(int64_t revision) {
  std::lock_guard<std::mutex> l(mu_);
  if (auto ok = Exec("BEGIN IMMEDIATE"); !ok) return ok;
  auto fail = [&](Error e) -> Status {
    (void)Exec("ROLLBACK");
    return std::unexpected(std::move(e));
  };
  auto current = Meta("revision");
  auto compacted = Meta("compact_revision");
  if (!current || !compacted) return fail(current ? compacted.error() : current.error());
  if (revision > *current) {
    return fail({ErrorCode::kInvalidArgument, "required revision " + std::to_string(revision) +
                                                  " is a future revision (current: " + std::to_string(*current) + ")"});
  }
  if (revision <= *compacted) {
    return fail({ErrorCode::kGone, "required revision " + std::to_string(revision) + " has been compacted"});
  }
  SqliteStatement drop(db_, "DELETE FROM history WHERE revision < ?");
  if (!drop.Bind(1, revision).Run()) return fail(Failure("compacting"));
  if (auto ok = SetMeta("compact_revision", revision); !ok) return fail(ok.error());
  return Exec("COMMIT");
}

}  // namespace kubeiam::store
