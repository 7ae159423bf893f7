// The open connections of one listener, so that a cap can be kept: when a new connection would
// pass `max_connections`, the connection that has been idle longest (waiting for its next
// request) is closed to make room; when none is idle, the new one is refused. Also the source of
// the open-connection gauge.
//
// Thread-safe. A connection closes itself on its own strand: the registry only asks it to (its
// `close` runs through the connection's executor), so nothing here touches a socket.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>

namespace kubeiam::http {

class ConnectionRegistry {
 public:
  explicit ConnectionRegistry(size_t max_connections) : max_(max_connections) {}

  struct Entry;
  // Held by a connection for its lifetime; destroying it unregisters.
  class Handle {
   public:
    Handle(ConnectionRegistry* registry, std::list<Entry>::iterator it) : registry_(registry), it_(it) {}
    ~Handle();
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    void SetIdle(bool idle);

   private:
    ConnectionRegistry* registry_;
    std::list<Entry>::iterator it_;
  };
  struct Entry {
    bool idle = false;
    std::chrono::steady_clock::time_point idle_since;
    std::function<void()> close;  // asks the connection to close (posted to its strand)
  };

  enum class Admission { kAdmitted, kAdmittedAfterEviction, kRefused };
  struct Admitted {
    Admission admission;
    std::unique_ptr<Handle> handle;  // null when refused
  };
  // Registers a new connection, closing the longest-idle one first if the cap is reached.
  Admitted Admit(std::function<void()> close);
  // Closes the longest-idle connection (when file descriptors ran out). False if none is idle.
  bool EvictOldestIdle();

  size_t open() const;
  uint64_t closed_total() const;

 private:
  void Remove(std::list<Entry>::iterator it);
  bool EvictLocked();

  const size_t max_;
  mutable std::mutex mu_;
  std::list<Entry> entries_;
  uint64_t closed_total_ = 0;
};

}  // namespace kubeiam::http
