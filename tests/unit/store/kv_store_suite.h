// The one test suite every KvStore runs (SQLite here; etcd in its own file): a factory opens a
// handle on a store in a test's folder, in this process or in a forked child, so that tests can
// race two processes.
#pragma once

#include <functional>
#include <ostream>
#include <memory>
#include <string>

#include "store/kv.h"

namespace kubeiam::store {

struct KvStoreFactory {
  std::string name;
  // Opens (creating when needed) the store that lives in `dir`; aborts the test on failure.
  std::function<std::shared_ptr<KvStore>(const std::string& dir)> open;
};

// Tests are named after the implementation.
inline void PrintTo(const KvStoreFactory& f, std::ostream* os) { *os << f.name; }

}  // namespace kubeiam::store
