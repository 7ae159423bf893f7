// The store's data model, etcd's v3 KV/Watch API in C++: keys and values are byte strings; one
// global revision grows with every committed transaction that changes something; each key keeps
// its create revision, mod revision and version (puts since creation). Writes go through Txn:
// compares on keys' revisions, versions or values, then the success or the failure operations,
// all at one new revision; two writers never lose an update because the loser's compare fails
// and it reads again. A watch yields every change in a key range from a revision, in order, or
// says that revision was compacted (ErrorCode::kGone).
//
// SqliteKv implements it on one machine; an etcd client implements it for replicas. Ranges
// follow etcd: an empty range_end names `key` alone, "\0" every key >= `key`, else [key, range_end).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/error.h"

namespace kubeiam::store {

struct KeyValue {
  std::string key, value;
  int64_t create_revision = 0, mod_revision = 0, version = 0;
};

struct RangeRequest {
  std::string key, range_end;
  int64_t limit = 0;             // 0: no limit
  int64_t min_mod_revision = 0;  // only keys modified at or after it (0: any)
  bool keys_only = false;        // values left empty
  // Read as of this revision (0: the latest), for pages of one consistent read. kGone when it
  // was compacted (SQLite: when it is not the latest; it keeps no old values to read).
  int64_t revision = 0;
};

struct RangeResponse {
  int64_t revision = 0;  // the store's revision the read saw
  std::vector<KeyValue> kvs;  // in key order
  bool more = false;          // the limit cut the range short
  int64_t count = 0;          // keys in the range, before min_mod_revision and the limit (as etcd counts)
};

// Holds when the key's `target` stands in `relation` to `number` (revisions, version) or `value`.
// A missing key has version, create and mod revision 0 and fails every value compare.
struct Compare {
  enum class Target { kVersion, kCreateRevision, kModRevision, kValue };
  enum class Relation { kEqual, kNotEqual, kLess, kGreater };
  std::string key;
  Target target = Target::kModRevision;
  Relation relation = Relation::kEqual;
  int64_t number = 0;
  std::string value;
};

struct Operation {
  enum class Kind { kPut, kDelete };
  Kind kind = Kind::kPut;
  std::string key, value;  // value: for puts
  std::string range_end;   // for deletes, as in RangeRequest
};

struct TxnRequest {
  std::vector<Compare> compares;
  std::vector<Operation> success, failure;
};

struct TxnResponse {
  bool succeeded = false;  // every compare held (the success operations ran)
  int64_t revision = 0;    // the store's revision after the transaction
};

struct Event {
  enum class Type { kPut, kDelete };
  Type type = Type::kPut;
  // For a delete: the key and, as mod_revision, the revision that deleted it.
  KeyValue kv;
  std::optional<KeyValue> prev_kv;  // for a delete: the value it removed
};

// A watch's events, in revision order. Next returns what arrived, waiting up to `wait` when
// nothing has; an empty batch means nothing changed in that time. kGone: the history from the
// watch's next revision was compacted; kUnavailable: the store cannot be read.
class Watcher {
 public:
  virtual ~Watcher() = default;
  virtual Result<std::vector<Event>> Next(std::chrono::milliseconds wait) = 0;
};

class KvStore {
 public:
  virtual ~KvStore() = default;

  // Errors: kUnavailable (the store cannot be reached or read).
  virtual Result<RangeResponse> Range(const RangeRequest& request) = 0;
  // Errors: kInvalidArgument (an operation breaks a size rule), kUnavailable.
  virtual Result<TxnResponse> Txn(const TxnRequest& request) = 0;
  // Changes in [key, range_end) from `start_revision` (0: from the next one). kGone when that
  // revision is older than the last compaction.
  virtual Result<std::unique_ptr<Watcher>> Watch(const std::string& key, const std::string& range_end,
                                                 int64_t start_revision) = 0;
  // Drops the history before `revision`; watches from older revisions get kGone.
  virtual Status Compact(int64_t revision) = 0;
};

// etcd's defaults (--max-request-bytes, --max-txn-ops), so that what works on one store works on
// the other. Errors (kInvalidArgument): "too many operations in a transaction", "request is too
// large".
inline constexpr size_t kMaxRequestBytes = 1536 * 1024;
inline constexpr size_t kMaxTxnOps = 128;
Status CheckTxnLimits(const TxnRequest& request);

// The range_end that covers every key starting with `prefix` (etcd's WithPrefix).
std::string PrefixEnd(std::string_view prefix);

// Whether `key` falls in the range (key alone, everything from it, or [from, end)).
bool InRange(std::string_view key, std::string_view from, std::string_view range_end);

// One-line helpers for the common operations.
Operation Put(std::string key, std::string value);
Operation Delete(std::string key);
Compare ModRevisionIs(std::string key, int64_t revision);

}  // namespace kubeiam::store
