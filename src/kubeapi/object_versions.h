// The read-only objects folder as the front serves it, versioned: each load that changes it
// gets the next version (the resourceVersion of objects, lists and the start of watches).
// Versions start from the process's start time, so a version from before a restart is unknown,
// not misread. The last 16 versions are kept for watches that resume. Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "kubeapi/object_folder.h"

namespace kubeiam::kubeapi {

struct VersionedObjects {
  uint64_t version = 0;
  std::shared_ptr<const Objects> objects;
};

class ObjectVersions {
 public:
  // `dir`: manifests to serve; empty for none (every list is empty).
  explicit ObjectVersions(std::string dir);
  VersionedObjects Current();
  // Loads the folder again if it changed (the server's reloader calls this four times a
  // second); a folder that cannot be read keeps the previous objects.
  void Refresh();
  // One of the last 16 versions, if still known.
  std::optional<VersionedObjects> At(uint64_t version);

 private:
  std::string dir_;
  std::mutex mu_;
  std::string stamp_;
  VersionedObjects current_;
  std::deque<VersionedObjects> history_;
};

}  // namespace kubeiam::kubeapi
