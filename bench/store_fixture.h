// A SQLite store in a fresh folder holding one cluster ("demo") with `entries` access entries,
// each with a policy; removed at the end.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/access_keys.h"
#include "store/kv_access_store.h"
#include "store/sqlite_kv.h"

namespace kubeiam::store {

struct Fixture {
  std::string dir;
  std::shared_ptr<SqliteKv> kv;
  std::shared_ptr<KvAccessStore> store;
  explicit Fixture(int entries) {
    dir = std::filesystem::temp_directory_path() / ("kubeiam-store-bench-" + std::to_string(getpid()) + "-" + std::to_string(entries));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    eks::ClusterAccess seed;
    seed.cluster = {"demo", "111122223333", "us-east-1", "aws"};
    kv = std::move(*SqliteKv::Open(dir + "/s.db"));
    store = std::move(*KvAccessStore::Open(kv, seed));
    // The entries go in as keys, 100 to a transaction (etcd's limit is 128 operations).
    TxnRequest batch;
    for (int i = 0; i < entries; ++i) {
      auto e = eks::MakeAccessEntry({"arn:aws:iam::111122223333:role/r" + std::to_string(i), "", "", {"devs"}, {}},
                                    seed.cluster, "u", Clock::now());
      e->policies.push_back({"arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", {"namespace", {"dev-*"}}, {}, {}});
      batch.success.push_back(Put(AccessEntryKey("demo", e->principal_arn), EncodeAccessEntry(*e)));
      if (batch.success.size() == 100 || i + 1 == entries) {
        (void)kv->Txn(batch);
        batch.success.clear();
      }
    }
  }
  ~Fixture() { std::filesystem::remove_all(dir); }
};

}  // namespace kubeiam::store
