// A prepared SQLite statement, finalized when it goes out of scope; binds and reads text, blobs
// and integers. Used by the SQLite store only.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "util/error.h"

namespace kubeiam::store {

class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, const char* sql) : db_(db) {
    ok_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) == SQLITE_OK;
  }
  ~SqliteStatement() { sqlite3_finalize(s_); }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  SqliteStatement& Bind(int i, std::string_view text) {
    sqlite3_bind_text(s_, i, text.data(), int(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // Keys and values are bytes: compared with memcmp, as etcd orders keys.
  SqliteStatement& BindBlob(int i, std::string_view bytes) {
    sqlite3_bind_blob(s_, i, bytes.data(), int(bytes.size()), SQLITE_TRANSIENT);
    return *this;
  }
  SqliteStatement& Bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return ok_ ? sqlite3_step(s_) : SQLITE_ERROR; }
  // Steps once; an error names SQLite's reason.
  Status Run() {
    int rc = Step();
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) return {};
    return Fail(ErrorCode::kUnavailable, sqlite3_errmsg(db_));
  }
  std::string Text(int col) const {
    const void* t = sqlite3_column_blob(s_, col);
    return t ? std::string(static_cast<const char*>(t), sqlite3_column_bytes(s_, col)) : std::string();
  }
  int64_t Int(int col) const { return sqlite3_column_int64(s_, col); }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
  bool ok_ = false;
};

}  // namespace kubeiam::store
