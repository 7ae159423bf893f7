#include "store/legacy_access_tables.h"

#include <sqlite3.h>

#include <boost/json/parse.hpp>
#include <map>

#include "store/sqlite_statement.h"
#include "util/strings.h"

namespace kubeiam::store {
namespace {

namespace json = boost::json;


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

Status ReadEntries(sqlite3* db, eks::ClusterAccess& c) {
  SqliteStatement e(db,
                    "SELECT principal_arn, type, username, kubernetes_groups, tags, access_entry_arn, principal_id, "
                    "created_at, modified_at, client_request_token FROM access_entries ORDER BY created_at, principal_arn");
  int rc;
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
    x.created_at = FromUnixMicros(e.Int(7));
    x.modified_at = FromUnixMicros(e.Int(8));
    x.client_request_token = e.Text(9);
    c.entries.push_back(std::move(x));
  }
  if (rc != SQLITE_DONE) return Fail(ErrorCode::kUnavailable, sqlite3_errmsg(db));
  SqliteStatement p(db,
                    "SELECT principal_arn, policy_arn, scope_type, namespaces, associated_at, modified_at "
                    "FROM associated_policies ORDER BY associated_at, policy_arn");
  while ((rc = p.Step()) == SQLITE_ROW) {
    eks::AccessEntry* x = c.Find(p.Text(0));
    if (x) x->policies.push_back({p.Text(1), {p.Text(2), ListFromJson(p.Text(3))}, FromUnixMicros(p.Int(4)), FromUnixMicros(p.Int(5))});
  }
  if (rc != SQLITE_DONE) return Fail(ErrorCode::kUnavailable, sqlite3_errmsg(db));
  return {};
}

}  // namespace

const char* const kLegacyMigrations[2] = {
    R"(CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
       CREATE TABLE access_entries (
         principal_arn TEXT PRIMARY KEY COLLATE NOCASE,
         type TEXT NOT NULL,
         username TEXT NOT NULL,
         kubernetes_groups TEXT NOT NULL,
         tags TEXT NOT NULL,
         access_entry_arn TEXT NOT NULL,
         principal_id TEXT NOT NULL,
         created_at INTEGER NOT NULL,
         modified_at INTEGER NOT NULL);
       CREATE TABLE associated_policies (
         principal_arn TEXT NOT NULL COLLATE NOCASE
           REFERENCES access_entries(principal_arn) ON DELETE CASCADE,
         policy_arn TEXT NOT NULL,
         scope_type TEXT NOT NULL,
         namespaces TEXT NOT NULL,
         associated_at INTEGER NOT NULL,
         modified_at INTEGER NOT NULL,
         PRIMARY KEY (principal_arn, policy_arn));)",
    R"(ALTER TABLE access_entries ADD COLUMN client_request_token TEXT NOT NULL DEFAULT '';)",
};

Result<eks::ClusterAccess> ReadLegacyAccessTables(sqlite3* db) {
  std::map<std::string, std::string> meta;
  SqliteStatement m(db, "SELECT key, value FROM meta");
  int rc;
  while ((rc = m.Step()) == SQLITE_ROW) meta[m.Text(0)] = m.Text(1);
  if (rc != SQLITE_DONE) return Fail(ErrorCode::kUnavailable, sqlite3_errmsg(db));
  eks::ClusterAccess c;
  c.cluster = {meta["cluster_name"], meta["account_id"], meta["region"], meta["partition"]};
  auto mode = eks::ParseAuthenticationMode(meta["authentication_mode"]);
  if (!mode) return Fail(ErrorCode::kFormat, "meta authentication_mode: " + mode.error().message);
  c.mode = *mode;
  c.bootstrap_admin = meta["bootstrap_admin"] == "true";
  c.created_at = FromUnixMicros(std::atoll(meta["created_at"].c_str()));
  c.revision = std::strtoull(meta["revision"].c_str(), nullptr, 10);
  if (auto s = ReadEntries(db, c); !s) return std::unexpected(s.error());
  return c;
}

}  // namespace kubeiam::store
