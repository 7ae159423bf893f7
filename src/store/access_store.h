// Where a cluster's access configuration (eks::ClusterAccess) lives between restarts and across
// replicas. Every write is one read-modify-write transaction: all of it lands or none of it
// does, even if the process is killed half-way. KvAccessStore implements it on any KvStore.
#pragma once

#include <functional>
#include <optional>

#include "eks/cluster_access.h"
#include "store/kv.h"

namespace kubeiam::store {

class AccessStore {
 public:
  virtual ~AccessStore() = default;

  // The current state, with its revision.
  virtual eks::ApiResult<eks::ClusterAccess> Load() = 0;
  // The revision alone (cheap, for watching): it grows with every committed write from any
  // process sharing the store.
  virtual eks::ApiResult<uint64_t> Revision() = 0;

  // `change` edits the current state or refuses with an ApiError; the result is written, the
  // revision bumped, in one transaction. Storage failures are ServerException (500). Returns
  // the state as written.
  using Change = std::function<std::optional<eks::ApiError>(eks::ClusterAccess&)>;
  virtual eks::ApiResult<eks::ClusterAccess> Update(const Change& change) = 0;

  // Changes from now on, from any process or replica: a reader waits on it instead of asking
  // Revision over and over. Its events say that something changed, not what to apply.
  virtual Result<std::unique_ptr<Watcher>> Watch() = 0;
};

}  // namespace kubeiam::store
