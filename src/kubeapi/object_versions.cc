#include "kubeapi/object_versions.h"

#include <chrono>

#include "util/file.h"

namespace kubeiam::kubeapi {

ObjectVersions::ObjectVersions(std::string dir) : dir_(std::move(dir)) {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  current_ = {uint64_t(std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count()),
              std::make_shared<const Objects>()};
  Refresh();
}

VersionedObjects ObjectVersions::Current() {
  std::lock_guard<std::mutex> l(mu_);
  return current_;
}

void ObjectVersions::Refresh() {
  if (dir_.empty()) return;
  std::string stamp = FileStamp(dir_);
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stamp == stamp_) return;
  }
  // Loaded outside the lock: requests go on with the previous objects meanwhile. A folder that
  // fails to load is tried again when it changes again.
  auto loaded = Objects::Load(dir_);
  std::lock_guard<std::mutex> l(mu_);
  stamp_ = stamp;
  if (!loaded) return;
  history_.push_back(current_);
  if (history_.size() > 16) history_.pop_front();
  current_ = {current_.version + 1, std::make_shared<const Objects>(std::move(*loaded))};
}

std::optional<VersionedObjects> ObjectVersions::At(uint64_t version) {
  std::lock_guard<std::mutex> l(mu_);
  if (version == current_.version) return current_;
  for (const auto& h : history_) {
    if (h.version == version) return h;
  }
  return std::nullopt;
}

}  // namespace kubeiam::kubeapi
