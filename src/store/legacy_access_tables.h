// The access tables that schemas 1 and 2 of the SQLite store kept (meta, access_entries,
// associated_policies), read once so that opening such a file moves its state into keys.
#pragma once

#include "eks/cluster_access.h"
#include "util/error.h"

struct sqlite3;

namespace kubeiam::store {

// The tables' migrations: entry N takes them from schema N to N+1 (up to 2).
extern const char* const kLegacyMigrations[2];

// The state the tables hold; its revision is the number of writes they recorded.
Result<eks::ClusterAccess> ReadLegacyAccessTables(sqlite3* db);

inline constexpr const char* kDropLegacyAccessTables =
    "DROP TABLE associated_policies; DROP TABLE access_entries; DROP TABLE meta;";

}  // namespace kubeiam::store
