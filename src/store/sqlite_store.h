// The embedded store: one SQLite database file (WAL journal, full sync), schema versioned with
// PRAGMA user_version and migrated forward on open. Safe to share between processes on one
// machine (SQLite's locks; writers wait up to 5 s for each other).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "store/access_store.h"

struct sqlite3;

namespace kubeiam::store {

class SqliteStore : public AccessStore {
 public:
  // Opens or creates the database (0600). A new database starts from `seed` (cluster, mode,
  // bootstrap flag, creation time; its entries too, such as the creator's admin entry); an
  // existing one keeps what it holds. Errors name the file and what failed.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path, const eks::ClusterAccess& seed);
  ~SqliteStore() override;

  eks::ApiResult<eks::ClusterAccess> Load() override;
  eks::ApiResult<uint64_t> Revision() override;
  eks::ApiResult<eks::ClusterAccess> Update(const Change& change) override;

  static constexpr int kSchemaVersion = 2;

 private:
  explicit SqliteStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Result<eks::ClusterAccess> Read();
  // Writes what differs between the two states (entries, policies, mode); the caller bumps the
  // revision and owns the transaction.
  Status Write(const eks::ClusterAccess& before, const eks::ClusterAccess& after);
  Status Exec(const char* sql);

  std::mutex mu_;  // one connection, one transaction at a time
  sqlite3* db_;
  std::string path_;
};

}  // namespace kubeiam::store
