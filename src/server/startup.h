// From a loaded Config to running parts: the local STS (principals plus the master key kept in
// the state dir, created 0600 on first use), the access-entry store, the authenticator, and the
// TLS material.
#pragma once

#include <memory>

#include "server/authenticator.h"
#include "server/store_meter.h"
#include "server/tls_material.h"
#include "kubeapi/object_registry.h"
#include "store/access_store.h"
#include "store/kv.h"

namespace kubeiam::server {

struct Parts {
  std::shared_ptr<const sts::LocalSts> local_sts;  // null unless sts.local is configured
  std::shared_ptr<store::AccessStore> store;  // null unless access entries live in a store
  std::shared_ptr<store::KvStore> kv;          // the store under it (metered)
  std::shared_ptr<StoreMeter> meter;            // the same store, for its health and latencies
  // The Kubernetes objects the API front keeps (null unless kubeAPI serves them), seeded.
  std::shared_ptr<kubeapi::ObjectRegistry> objects;
  std::unique_ptr<Authenticator> authenticator;
  TlsPaths tls;
};

Result<Parts> Bootstrap(const config::Config& config);

// The cluster a config describes, as the access API names it (clusterID, eksAPI region/account).
eks::ClusterInfo ClusterOf(const config::Config& config);

// The key-value store a config names: etcd (store.etcd), else the SQLite file
// (server.accessEntriesStore); and how messages name it.
Result<std::shared_ptr<store::KvStore>> OpenKv(const config::Config& config);
std::string StoreName(const config::Config& config);

// Opens (creating on first use, seeded with the config's authentication mode) the store.
Result<std::shared_ptr<store::AccessStore>> OpenStore(const config::Config& config, const std::vector<eks::AccessEntry>& seed_entries = {});

// The store and the access state in it.
struct OpenedStore {
  std::shared_ptr<StoreMeter> kv;
  std::shared_ptr<store::AccessStore> access;
};
Result<OpenedStore> OpenStores(const config::Config& config, const std::vector<eks::AccessEntry>& seed_entries = {});

// The Kubernetes objects of a config whose front keeps them, with the defaults created where
// missing.
Result<std::shared_ptr<kubeapi::ObjectRegistry>> OpenObjects(const config::Config& config, std::shared_ptr<store::KvStore> kv);

}  // namespace kubeiam::server
