// A KvStore that forwards every call to the real one (etcd or SQLite) and keeps what operators
// need to know about it: whether the last call reached it and, if not, why and since when; and
// how long writes take, by outcome. The server's /metrics and /readyz read it.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "server/metrics.h"
#include "store/kv.h"

namespace kubeiam::server {

class StoreMeter : public store::KvStore, public std::enable_shared_from_this<StoreMeter> {
 public:
  // `kind` labels the series: "etcd" or "sqlite". Made with make_shared (watchers keep it).
  StoreMeter(std::shared_ptr<store::KvStore> inner, std::string kind);

  Result<store::RangeResponse> Range(const store::RangeRequest& request) override;
  Result<store::TxnResponse> Txn(const store::TxnRequest& request) override;
  Result<std::unique_ptr<store::Watcher>> Watch(const std::string& key, const std::string& range_end,
                                                int64_t start_revision) override;
  Status Compact(int64_t revision) override;

  struct Health {
    bool reachable = true;
    std::string error;  // why the last call failed (no endpoint's secrets: the store's own message)
    std::chrono::system_clock::time_point since;  // when it became (un)reachable
  };
  Health health() const;
  const std::string& kind() const { return kind_; }

  // Prometheus text: kubeiam_store_up, kubeiam_store_unreachable_seconds,
  // kubeiam_store_write_duration_seconds{outcome="committed|compare_failed|error"}.
  std::string Metrics() const;

  // Records a call's outcome: only failures that mean "cannot reach or read it" count as down.
  void Note(const Status& outcome);

 private:
  class MeteredWatcher;
  std::shared_ptr<store::KvStore> inner_;
  std::string kind_;
  Histogram committed_, compare_failed_, failed_;
  mutable std::mutex mu_;
  Health health_;
};

}  // namespace kubeiam::server
