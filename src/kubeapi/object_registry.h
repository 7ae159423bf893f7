// The objects the Kubernetes front stores, as the API server's registry sees them: one key per
// object (store/object_keys.h), its value the object's JSON, its resourceVersion the key's mod
// revision. Writes are guarded by the revision they were computed from, so two writers (two
// replicas, kubectl and the EKS API) never lose an update: the loser's compare fails and the
// caller answers 409 or reads again. No I/O but the KvStore's.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kubeapi/stored_kinds.h"
#include "store/kv.h"
#include "util/error.h"

namespace kubeiam::kubeapi {

struct StoredObject {
  boost::json::object object;  // metadata.resourceVersion set from the revision
  int64_t revision = 0;        // the key's mod revision
};

struct ObjectList {
  std::vector<StoredObject> items;  // in key order (namespace, then name)
  int64_t revision = 0;             // the store's revision the list was read at
  std::string next_key;             // with a limit and more to come: where the next page starts
};

// One write of a transaction: put `object` (its resourceVersion dropped) or delete, if the key's
// mod revision is `expected` (0: the key must not exist; -1: whatever it is).
struct ObjectWrite {
  const StoredKind* kind;
  std::string ns, name;
  std::optional<boost::json::object> object;  // nullopt: delete
  int64_t expected = -1;
};

class ObjectRegistry {
 public:
  ObjectRegistry(std::shared_ptr<store::KvStore> kv, std::string cluster);

  // nullopt when there is no such object. Errors: kUnavailable, kFormat (a value that is not a
  // JSON object).
  Result<std::optional<StoredObject>> Get(const StoredKind& kind, std::string_view ns, std::string_view name) const;
  // `ns` empty for a namespaced kind: every namespace. `from_key` resumes a page; `limit` 0: all.
  Result<ObjectList> List(const StoredKind& kind, std::string_view ns, std::string_view from_key = "",
                          int64_t limit = 0) const;
  // Whether any object in the range changed after `revision`; kGone when that history is gone.
  Result<bool> ChangedSince(const StoredKind& kind, std::string_view ns, int64_t revision) const;
  // All in one transaction. The new revision, or nullopt when a compare failed (nothing written).
  Result<std::optional<int64_t>> Write(const std::vector<ObjectWrite>& writes);
  // Changes in the range after `revision`; kGone when compacted.
  Result<std::unique_ptr<store::Watcher>> Watch(const StoredKind& kind, std::string_view ns, int64_t revision) const;

  // A stored key-value as an object with its resourceVersion. kFormat for a bad value.
  static Result<StoredObject> Decode(const store::KeyValue& kv);
  // The range of `kind` in `ns` (every namespace when empty): [key, range_end).
  std::pair<std::string, std::string> Range(const StoredKind& kind, std::string_view ns) const;
  std::string Key(const StoredKind& kind, std::string_view ns, std::string_view name) const;
  const std::string& cluster() const { return cluster_; }
  store::KvStore& kv() const { return *kv_; }

 private:
  std::shared_ptr<store::KvStore> kv_;
  std::string cluster_;
};

}  // namespace kubeiam::kubeapi
