// How many threads may wait on one peer (STS, EC2) at once. A caller takes a slot before it
// waits and gives it back when its slot goes; past the bound it gets no slot and fails fast,
// so a slow peer holds a bounded number of threads. Thread-safe, lock-free.
#pragma once

#include <atomic>
#include <optional>

namespace kubeiam::http {

class InFlightLimit {
 public:
  class Slot {
   public:
    explicit Slot(std::atomic<int>* count) : count_(count) {}
    Slot(Slot&& other) noexcept : count_(other.count_) { other.count_ = nullptr; }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (count_) count_->fetch_sub(1);
    }

   private:
    std::atomic<int>* count_;
  };

  // A slot if fewer than `max` are taken, else nothing.
  std::optional<Slot> TryAcquire(int max) {
    if (count_.fetch_add(1) >= max) {
      count_.fetch_sub(1);
      return std::nullopt;
    }
    return Slot(&count_);
  }

 private:
  std::atomic<int> count_{0};
};

}  // namespace kubeiam::http
