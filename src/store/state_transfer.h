// Copying kubeiam's state between stores (SQLite and etcd) and to and from backup files. A dump
// is every key under a prefix (one cluster's, or every cluster's) read at one revision; loading
// it writes the keys in the order of their mod revisions, the keys one source transaction
// changed going in one transaction, so that a reader of the target never sees a later change
// without the earlier ones. Revision numbers themselves are the target's own: etcd and SQLite
// each count their own history.
//
// A backup file is JSON: {"kind": "KubeiamStoreBackup", "version": 1, "prefix", "revision",
// "keys": [{"key", "value" (or "valueBase64" for bytes that are not UTF-8), "createRevision",
// "modRevision", "version"}]}.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/kv.h"
#include "util/error.h"

namespace kubeiam::store {

struct StateDump {
  std::string prefix;      // what was read: every key starting with it
  int64_t revision = 0;    // the source's revision the read saw
  std::vector<KeyValue> kvs;  // in key order
};

// Every key under `prefix`, at one revision (read in pages of 1,000 at that revision).
Result<StateDump> DumpState(KvStore& from, const std::string& prefix);

// What loading does with keys the target already holds under the dump's prefix.
enum class ExistingKeys { kRefuse, kReplace };

// Writes the dump into `to`; returns how many keys were written. kRefuse: an error naming the
// count when the target holds any key under the prefix (nothing is written). kReplace: those keys
// are deleted first.
Result<size_t> LoadState(KvStore& to, const StateDump& dump, ExistingKeys existing);

std::string EncodeBackup(const StateDump& dump);
// Errors (kFormat) name the field and, for keys, the index: "keys[3].modRevision: ...".
Result<StateDump> DecodeBackup(std::string_view text);

}  // namespace kubeiam::store
