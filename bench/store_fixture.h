// A SQLite store in a fresh folder holding one cluster ("demo") with `entries` access entries,
// each with a policy; removed at the end.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "store/access_keys.h"
#include "store/kv_access_store.h"
#include "store/sqlite_kv.h"

namespace kubeiam::store {

struct Fixture {
  std::string dir;
  std::shared_ptr<KvStore> kv;
  std::shared_ptr<KvAccessStore> store;
  // On SQLite in a fresh folder, or on the store given (an etcd under a fresh prefix).
  explicit Fixture(int entries, std::shared_ptr<KvStore> on = nullptr) {
    dir = std::filesystem::temp_directory_path() / ("kubeiam-store-bench-" + std::to_string(getpid()) + "-" + std::to_string(entries));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    eks::ClusterAccess seed;
    seed.cluster = {"demo", "111122223333", "us-east-1", "aws"};
    kv = on ? on : std::shared_ptr<KvStore>(*SqliteKv::Open(dir + "/s.db"));
    auto opened = KvAccessStore::Open(kv, seed);
    if (!opened) {
      std::fprintf(stderr, "the benchmark's store: %s\n", opened.error().message.c_str());
      std::abort();
    }
    store = std::move(*opened);
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
