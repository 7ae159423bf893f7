// A TCP listener on 127.0.0.1 for fault tests: a peer that never answers (connections wait in the
// backlog, unaccepted), or one that accepts, counts and closes every connection (to prove that
// something did, or did not, connect).
#pragma once

#include <atomic>
#include <thread>

namespace kubeiam::testing {

class LoopbackListener {
 public:
  enum class Mode { kSilent, kCountAndClose };
  explicit LoopbackListener(Mode mode);
  ~LoopbackListener();
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;
  int port() const { return port_; }
  int accepted() const { return accepted_; }

 private:
  int fd_ = -1, port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

}  // namespace kubeiam::testing
