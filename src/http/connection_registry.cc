#include "http/connection_registry.h"

namespace kubeiam::http {

ConnectionRegistry::Handle::~Handle() { registry_->Remove(it_); }

void ConnectionRegistry::Handle::SetIdle(bool idle) {
  std::lock_guard<std::mutex> l(registry_->mu_);
  it_->idle = idle;
  if (idle) it_->idle_since = std::chrono::steady_clock::now();
}

ConnectionRegistry::Admitted ConnectionRegistry::Admit(std::function<void()> close) {
  std::lock_guard<std::mutex> l(mu_);
  Admission admission = Admission::kAdmitted;
  if (entries_.size() >= max_) {
    if (!EvictLocked()) return {Admission::kRefused, nullptr};
    admission = Admission::kAdmittedAfterEviction;
  }
  entries_.push_back(Entry{false, {}, std::move(close)});
  return {admission, std::make_unique<Handle>(this, std::prev(entries_.end()))};
}

bool ConnectionRegistry::EvictOldestIdle() {
  std::lock_guard<std::mutex> l(mu_);
  return EvictLocked();
}

// The evicted entry stays listed until its connection has closed and dropped its handle; it is
// no longer idle, so it is not chosen twice.
bool ConnectionRegistry::EvictLocked() {
  auto oldest = entries_.end();
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->idle && (oldest == entries_.end() || it->idle_since < oldest->idle_since)) oldest = it;
  }
  if (oldest == entries_.end()) return false;
  oldest->idle = false;
  oldest->close();
  return true;
}

void ConnectionRegistry::Remove(std::list<Entry>::iterator it) {
  std::lock_guard<std::mutex> l(mu_);
  entries_.erase(it);
  ++closed_total_;
}

size_t ConnectionRegistry::open() const {
  std::lock_guard<std::mutex> l(mu_);
  return entries_.size();
}

uint64_t ConnectionRegistry::closed_total() const {
  std::lock_guard<std::mutex> l(mu_);
  return closed_total_;
}

}  // namespace kubeiam::http
