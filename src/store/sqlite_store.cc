#include "store/sqlite_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>

#include "util/strings.h"

namespace kubeiam::store {
namespace {

namespace json = boost::json;

// Schema migrations: entry N takes a database from user_version N to N+1.
const char* const kMigrations[] = {
    R"(CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
       CREATE TABLE access_entries (
         principal_arn TEXT PRIMARY KEY COLLATE NOCASE,
         type TEXT NOT NULL,
         username TEXT NOT NULL,
         kubernetes_groups TEXT NOT NULL,  -- JSON array
         tags TEXT NOT NULL,               -- JSON object
         access_entry_arn TEXT NOT NULL,
         principal_id TEXT NOT NULL,
         created_at INTEGER NOT NULL,      -- microseconds since the epoch
         modified_at INTEGER NOT NULL);
       CREATE TABLE associated_policies (
         principal_arn TEXT NOT NULL COLLATE NOCASE
           REFERENCES access_entries(principal_arn) ON DELETE CASCADE,
         policy_arn TEXT NOT NULL,
         scope_type TEXT NOT NULL,
         namespaces TEXT NOT NULL,         -- JSON array
         associated_at INTEGER NOT NULL,
         modified_at INTEGER NOT NULL,
         PRIMARY KEY (principal_arn, policy_arn));)",
    // 2: idempotent creates.
    R"(ALTER TABLE access_entries ADD COLUMN client_request_token TEXT NOT NULL DEFAULT '';)",
};

int64_t Micros(TimePoint t) { return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count(); }
TimePoint FromMicros(int64_t us) { return TimePoint(std::chrono::duration_cast<Clock::duration>(std::chrono::microseconds(us))); }

std::string ToJson(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return json::serialize(a);
}

std::string ToJson(const std::map<std::string, std::string>& m) {
  json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return json::serialize(o);
}

std::vector<std::string> ListFromJson(std::string_view text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& x : v.as_array()) {
    if (x.is_string()) out.emplace_back(x.as_string());
  }
  return out;
}

std::map<std::string, std::string> MapFromJson(std::string_view text) {
  std::map<std::string, std::string> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return out;
  for (const auto& kv : v.as_object()) {
    if (kv.value().is_string()) out[std::string(kv.key())] = std::string(kv.value().as_string());
  }
  return out;
}

// A prepared statement, finalized on scope exit.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) { ok_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) == SQLITE_OK; }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt& Bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), int(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return ok_ ? sqlite3_step(s_) : SQLITE_ERROR; }
  Status Run() {
    int rc = Step();
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) return {};
    return Fail(ErrorCode::kInternal, sqlite3_errmsg(db_));
  }
  std::string Text(int col) const {
    const unsigned char* t = sqlite3_column_text(s_, col);
    return t ? std::string(reinterpret_cast<const char*>(t), sqlite3_column_bytes(s_, col)) : std::string();
  }
  int64_t Int(int col) const { return sqlite3_column_int64(s_, col); }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
  bool ok_ = false;
};

eks::ApiError ServerError(const std::string& what) { return {"ServerException", 500, what}; }

}  // namespace

Status SqliteStore::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) == SQLITE_OK) return {};
  std::string message = err ? err : sqlite3_errmsg(db_);
  sqlite3_free(err);
  return Fail(ErrorCode::kInternal, path_ + ": " + message);
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path, const eks::ClusterAccess& seed) {
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
  std::unique_ptr<SqliteStore> s(new SqliteStore(db, path));
  sqlite3_busy_timeout(db, 5000);
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
    if (auto ok = s->Exec(pragma); !ok) return std::unexpected(ok.error());
  }
  // Migrate (and seed a new database) inside one write transaction, so that two processes
  // opening at once do it once.
  if (auto ok = s->Exec("BEGIN IMMEDIATE"); !ok) return std::unexpected(ok.error());
  auto fail = [&](Error e) {
    (void)s->Exec("ROLLBACK");
    return std::unexpected(std::move(e));
  };
  Stmt version(db, "PRAGMA user_version");
  int64_t from = version.Step() == SQLITE_ROW ? version.Int(0) : 0;
  if (from > kSchemaVersion) {
    return fail({ErrorCode::kInvalidArgument, path + ": schema version " + std::to_string(from) +
                                                  " is newer than this kubeiam understands (" +
                                                  std::to_string(kSchemaVersion) + ")"});
  }
  for (int64_t v = from; v < kSchemaVersion; ++v) {
    if (auto ok = s->Exec(kMigrations[v]); !ok) return fail(ok.error());
  }
  if (from == 0) {
    const auto& c = seed.cluster;
    std::pair<const char*, std::string> meta[] = {
        {"cluster_name", c.name}, {"account_id", c.account_id}, {"region", c.region}, {"partition", c.partition},
        {"authentication_mode", std::string(eks::ToString(seed.mode))},
        {"bootstrap_admin", seed.bootstrap_admin ? "true" : "false"},
        {"created_at", std::to_string(Micros(seed.created_at))}, {"revision", "0"}};
    for (const auto& [k, v] : meta) {
      Stmt ins(db, "INSERT INTO meta (key, value) VALUES (?, ?)");
      if (auto ok = ins.Bind(1, k).Bind(2, v).Run(); !ok) return fail(ok.error());
    }
    if (auto ok = s->Write(eks::ClusterAccess{}, seed); !ok) return fail(ok.error());
  }
  if (from != kSchemaVersion) {
    std::string set = "PRAGMA user_version = " + std::to_string(kSchemaVersion);
    if (auto ok = s->Exec(set.c_str()); !ok) return fail(ok.error());
  }
  if (auto ok = s->Exec("COMMIT"); !ok) return fail(ok.error());
  return s;
}

SqliteStore::~SqliteStore() { sqlite3_close_v2(db_); }

Result<eks::ClusterAccess> SqliteStore::Read() {
  eks::ClusterAccess c;
  std::map<std::string, std::string> meta;
  Stmt m(db_, "SELECT key, value FROM meta");
  int rc;
  while ((rc = m.Step()) == SQLITE_ROW) meta[m.Text(0)] = m.Text(1);
  if (rc != SQLITE_DONE) return Fail(ErrorCode::kInternal, path_ + ": " + sqlite3_errmsg(db_));
  c.cluster = {meta["cluster_name"], meta["account_id"], meta["region"], meta["partition"]};
  auto mode = eks::ParseAuthenticationMode(meta["authentication_mode"]);
  if (!mode) return Fail(ErrorCode::kFormat, path_ + ": " + mode.error().message);
  c.mode = *mode;
  c.bootstrap_admin = meta["bootstrap_admin"] == "true";
  c.created_at = FromMicros(std::atoll(meta["created_at"].c_str()));
  c.revision = std::strtoull(meta["revision"].c_str(), nullptr, 10);
  Stmt e(db_,
         "SELECT principal_arn, type, username, kubernetes_groups, tags, access_entry_arn, principal_id, created_at, "
         "modified_at, client_request_token FROM access_entries ORDER BY created_at, principal_arn");
  while ((rc = e.Step()) == SQLITE_ROW) {
    eks::AccessEntry x;
    x.cluster_name = c.cluster.name;
    x.principal_arn = e.Text(0);
    x.type = e.Text(1);
    x.username = e.Text(2);
    x.kubernetes_groups = ListFromJson(e.Text(3));
    x.tags = MapFromJson(e.Text(4));
    x.access_entry_arn = e.Text(5);
    x.principal_id = e.Text(6);
    x.created_at = FromMicros(e.Int(7));
    x.modified_at = FromMicros(e.Int(8));
    x.client_request_token = e.Text(9);
    c.entries.push_back(std::move(x));
  }
  if (rc != SQLITE_DONE) return Fail(ErrorCode::kInternal, path_ + ": " + sqlite3_errmsg(db_));
  Stmt p(db_,
         "SELECT principal_arn, policy_arn, scope_type, namespaces, associated_at, modified_at FROM associated_policies "
         "ORDER BY associated_at, policy_arn");
  std::map<std::string, size_t> index;  // lower-case principal ARN -> entry
  for (size_t i = 0; i < c.entries.size(); ++i) index[ToLower(c.entries[i].principal_arn)] = i;
  while ((rc = p.Step()) == SQLITE_ROW) {
    if (auto it = index.find(ToLower(p.Text(0))); it != index.end()) {
      eks::AccessEntry* x = &c.entries[it->second];
      x->policies.push_back({p.Text(1), {p.Text(2), ListFromJson(p.Text(3))}, FromMicros(p.Int(4)), FromMicros(p.Int(5))});
    }
  }
  if (rc != SQLITE_DONE) return Fail(ErrorCode::kInternal, path_ + ": " + sqlite3_errmsg(db_));
  return c;
}

Status SqliteStore::Write(const eks::ClusterAccess& before, const eks::ClusterAccess& after) {
  auto fail = [&]() { return Fail(ErrorCode::kInternal, path_ + ": " + sqlite3_errmsg(db_)); };
  auto remove = [&](const std::string& arn) {
    Stmt del(db_, "DELETE FROM access_entries WHERE principal_arn = ?");  // policies cascade
    return del.Bind(1, arn).Run();
  };
  auto index = [](const eks::ClusterAccess& c) {
    std::map<std::string, const eks::AccessEntry*> m;
    for (const auto& e : c.entries) m[ToLower(e.principal_arn)] = &e;
    return m;
  };
  auto old_entries = index(before), new_entries = index(after);
  for (const auto& [key, old] : old_entries) {
    if (!new_entries.contains(key)) {
      if (!remove(old->principal_arn)) return fail();
    }
  }
  for (const auto& e : after.entries) {
    auto found = old_entries.find(ToLower(e.principal_arn));
    const eks::AccessEntry* old = found == old_entries.end() ? nullptr : found->second;
    if (old && *old == e) continue;
    if (old && !remove(old->principal_arn)) return fail();
    Stmt ins(db_,
             "INSERT INTO access_entries (principal_arn, type, username, kubernetes_groups, tags, access_entry_arn, "
             "principal_id, created_at, modified_at, client_request_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ins.Bind(1, e.principal_arn).Bind(2, e.type).Bind(3, e.username).Bind(4, ToJson(e.kubernetes_groups));
    ins.Bind(5, ToJson(e.tags)).Bind(6, e.access_entry_arn).Bind(7, e.principal_id);
    ins.Bind(8, Micros(e.created_at)).Bind(9, Micros(e.modified_at)).Bind(10, e.client_request_token);
    if (!ins.Run()) return fail();
    for (const auto& p : e.policies) {
      Stmt pol(db_,
               "INSERT INTO associated_policies (principal_arn, policy_arn, scope_type, namespaces, associated_at, "
               "modified_at) VALUES (?, ?, ?, ?, ?, ?)");
      pol.Bind(1, e.principal_arn).Bind(2, p.policy).Bind(3, p.scope.type).Bind(4, ToJson(p.scope.namespaces));
      pol.Bind(5, Micros(p.associated_at)).Bind(6, Micros(p.modified_at));
      if (!pol.Run()) return fail();
    }
  }
  Stmt mode(db_, "UPDATE meta SET value = ? WHERE key = 'authentication_mode'");
  if (!mode.Bind(1, eks::ToString(after.mode)).Run()) return fail();
  return {};
}

eks::ApiResult<eks::ClusterAccess> SqliteStore::Load() {
  std::lock_guard<std::mutex> l(mu_);
  if (auto ok = Exec("BEGIN"); !ok) return std::unexpected(ServerError(ok.error().message));
  auto c = Read();
  (void)Exec("COMMIT");
  if (!c) return std::unexpected(ServerError(c.error().message));
  return std::move(*c);
}

eks::ApiResult<uint64_t> SqliteStore::Revision() {
  std::lock_guard<std::mutex> l(mu_);
  Stmt s(db_, "SELECT value FROM meta WHERE key = 'revision'");
  if (s.Step() != SQLITE_ROW) return std::unexpected(ServerError(path_ + ": " + sqlite3_errmsg(db_)));
  return std::strtoull(s.Text(0).c_str(), nullptr, 10);
}

eks::ApiResult<eks::ClusterAccess> SqliteStore::Update(const Change& change) {
  std::lock_guard<std::mutex> l(mu_);
  if (auto ok = Exec("BEGIN IMMEDIATE"); !ok) return std::unexpected(ServerError(ok.error().message));
  auto rollback = [&](eks::ApiError e) {
    (void)Exec("ROLLBACK");
    return std::unexpected(std::move(e));
  };
  auto before = Read();
  if (!before) return rollback(ServerError(before.error().message));
  eks::ClusterAccess after = *before;
  if (auto refused = change(after)) return rollback(*refused);
  if (auto ok = Write(*before, after); !ok) return rollback(ServerError(ok.error().message));
  Stmt rev(db_, "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'revision'");
  if (auto ok = rev.Run(); !ok) return rollback(ServerError(path_ + ": " + ok.error().message));
  if (auto ok = Exec("COMMIT"); !ok) return rollback(ServerError(ok.error().message));
  after.revision = before->revision + 1;
  return after;
}

}  // namespace kubeiam::store
