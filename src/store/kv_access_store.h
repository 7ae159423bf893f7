// A cluster's access configuration (eks::ClusterAccess) kept in a KvStore, one key per access
// entry plus the cluster's access config (store/access_keys.h). A write costs what it changes:
// the store keeps the state it last read or wrote, and when another writer moved the access
// config key (which every write puts) it applies the changes since (a watch from its revision)
// rather than reading every key. The config key guards the whole state: a write's compare on its
// mod revision fails if anything changed since the state the change saw, and the write is re-run
// on the new state.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "store/access_store.h"
#include "store/kv.h"

namespace kubeiam::store {

class KvAccessStore : public AccessStore {
 public:
  // The access state of `seed.cluster.name` in `kv`, seeded from `seed` (mode, bootstrap flag,
  // creation time, entries) if that cluster has none yet. A seed without a name opens the one
  // cluster the store holds (kNotFound for none, kInvalidArgument for several).
  static Result<std::unique_ptr<KvAccessStore>> Open(std::shared_ptr<KvStore> kv, const eks::ClusterAccess& seed);
  // The access state of a cluster the store already holds (empty name: its only cluster), for
  // readers that must not create one: kNotFound when it has none.
  static Result<std::unique_ptr<KvAccessStore>> OpenExisting(std::shared_ptr<KvStore> kv, const std::string& cluster);

  eks::ApiResult<eks::ClusterAccess> Load() override;
  eks::ApiResult<uint64_t> Revision() override;
  eks::ApiResult<eks::ClusterAccess> Update(const Change& change) override;
  Result<std::unique_ptr<Watcher>> Watch() override;

  const std::string& cluster() const { return cluster_; }
  static constexpr int kMaxAttempts = 64;  // re-runs of a change that keeps losing to other writers

 private:
  KvAccessStore(std::shared_ptr<KvStore> kv, std::string cluster) : kv_(std::move(kv)), cluster_(std::move(cluster)) {}
  // The whole state, the mod revision of its config key, and the store revision read.
  struct FullRead {
    eks::ClusterAccess state;
    int64_t guard = 0, revision = 0;
  };
  Result<FullRead> Read();
  // The mod revision of the config key now.
  Result<int64_t> Guard();
  // Brings the cache up to `guard` (the config key's mod revision): the changes since the cache
  // through a watch, or every key when there is no cache or its history is gone.
  Status Sync(int64_t guard);
  Status CatchUp();
  Status Apply(const Event& e);
  TxnRequest WriteOf(const eks::ClusterAccess& before, const eks::ClusterAccess& after, int64_t guard) const;

  std::shared_ptr<KvStore> kv_;
  std::string cluster_;
  std::mutex mu_;  // one write at a time from this handle (others are fenced by the compare)
  std::optional<eks::ClusterAccess> cached_;
  int64_t cached_guard_ = 0;     // the config key's mod revision in the cache
  int64_t cached_revision_ = 0;  // the store revision the cache reflects
};

// Calls `put` for each entry of `after` that is new or differs from `before`, and `remove` for
// each entry of `before` that `after` lacks (principals compare without case). Unchanged
// entries cost a pointer compare.
void DiffEntries(const eks::EntryList& before, const eks::EntryList& after,
                 const std::function<void(const eks::AccessEntry&)>& put,
                 const std::function<void(const eks::AccessEntry&)>& remove);

}  // namespace kubeiam::store
