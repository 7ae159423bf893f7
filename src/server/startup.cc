#include "server/startup.h"

#include "kubeapi/default_objects.h"
#include "kubeapi/manifests.h"
#include "kubeapi/stored_kinds.h"
#include "state/source_settings.h"
#include "store/kv_access_store.h"
#include "store/etcd_kv.h"
#include "store/sqlite_kv.h"
#include "util/crypto.h"
#include "util/encoding.h"
#include "util/file.h"
#include "util/strings.h"

namespace kubeiam::server {
namespace {

Result<std::string> MasterKey(const std::string& state_dir) {
  std::string path = state_dir + "/local-sts.key";
  if (auto existing = ReadFile(path, 4096)) {
    auto key = Base64Decode(Trim(*existing));
    if (!key || key->size() < 32) return Fail(ErrorCode::kInvalidArgument, path + " does not hold a 32-byte base64 key");
    return *key;
  } else if (existing.error().code != ErrorCode::kNotFound) {
    return std::unexpected(existing.error());
  }
  std::string key = RandomBytes(32);
  if (auto s = WriteFileAtomic(path, Base64Encode(key) + "\n", 0600); !s) return std::unexpected(s.error());
  return key;
}

}  // namespace

eks::ClusterInfo ClusterOf(const config::Config& config) {
  eks::ClusterInfo c{config.cluster_id, "", "us-east-1", config.partition};
  if (config.eks_api) {
    c.region = config.eks_api->region;
    c.account_id = config.eks_api->account_id;
  }
  return c;
}

Result<std::shared_ptr<store::KvStore>> OpenKv(const config::Config& config) {
  if (!config.etcd_store) {
    auto kv = store::SqliteKv::Open(config.access_entries_store);
    if (!kv) return std::unexpected(kv.error());
    return std::shared_ptr<store::KvStore>(*kv);
  }
  const config::EtcdStoreConfig& e = *config.etcd_store;
  std::string password;
  if (!e.password_file.empty()) {
    auto read = ReadFile(e.password_file, 4096);
    if (!read) return std::unexpected(read.error().Wrap("store.etcd.passwordFile"));
    password = std::string(Trim(*read));
  }
  auto kv = store::EtcdKv::Open({e.endpoints, e.prefix, e.ca_file, e.cert_file, e.key_file, e.username, password});
  if (!kv) return std::unexpected(kv.error());
  return std::shared_ptr<store::KvStore>(*kv);
}

std::string StoreName(const config::Config& config) {
  if (!config.etcd_store) return config.access_entries_store;
  std::string list;
  for (const auto& e : config.etcd_store->endpoints) list += (list.empty() ? "" : ",") + e;
  return "etcd " + list;
}

Result<OpenedStore> OpenStores(const config::Config& config, const std::vector<eks::AccessEntry>& seed_entries) {
  eks::ClusterAccess seed;
  seed.cluster = ClusterOf(config);
  seed.mode = config.authentication_mode;
  seed.created_at = Clock::now();
  seed.entries = seed_entries;
  auto kv = OpenKv(config);
  if (!kv) return std::unexpected(kv.error());
  auto metered = std::make_shared<StoreMeter>(std::move(*kv), config.etcd_store ? "etcd" : "sqlite");
  auto opened = store::KvAccessStore::Open(metered, seed);
  if (!opened) return std::unexpected(opened.error().Wrap(StoreName(config)));
  return OpenedStore{std::move(metered), std::shared_ptr<store::AccessStore>(std::move(*opened))};
}

Result<std::shared_ptr<store::AccessStore>> OpenStore(const config::Config& config, const std::vector<eks::AccessEntry>& seed_entries) {
  auto opened = OpenStores(config, seed_entries);
  if (!opened) return std::unexpected(opened.error());
  return opened->access;
}

namespace {

// kubeAPI.seed's objects when the store holds no objects yet (no `default` namespace): a fresh
// cluster. Afterwards what users deleted stays deleted.
Result<std::vector<boost::json::object>> FirstStartSeeds(const config::Config& config, kubeapi::ObjectRegistry& registry) {
  if (!config.kube_api || config.kube_api->seed.empty()) return std::vector<boost::json::object>{};
  auto existing = registry.Get(*kubeapi::FindStoredKind("", "namespaces"), "", "default");
  if (!existing) return std::unexpected(existing.error());
  if (*existing) return std::vector<boost::json::object>{};
  auto seeds = kubeapi::ReadManifestFiles(config.kube_api->seed);
  if (!seeds) return std::unexpected(seeds.error().Wrap("kubeAPI.seed"));
  return std::move(*seeds);
}

}  // namespace

Result<std::shared_ptr<kubeapi::ObjectRegistry>> OpenObjects(const config::Config& config, std::shared_ptr<store::KvStore> kv) {
  auto registry = std::make_shared<kubeapi::ObjectRegistry>(std::move(kv), config.cluster_id);
  auto seeds = FirstStartSeeds(config, *registry);
  if (!seeds) return std::unexpected(seeds.error());
  if (auto ok = kubeapi::EnsureDefaultObjects(*registry, *seeds, Clock::now()); !ok) {
    return std::unexpected(ok.error().Wrap("seeding the Kubernetes objects in " + StoreName(config)));
  }
  return registry;
}

Result<Parts> Bootstrap(const config::Config& config) {
  Parts parts;
  if (auto s = MakeDirs(config.state_dir, 0700); !s) return std::unexpected(s.error());
  std::vector<std::string> hosts = {config.address, config.hostname};
  if (config.local_sts) {
    auto store = sts::PrincipalStore::Load(config.local_sts->principals);
    if (!store) return std::unexpected(store.error());
    auto key = MasterKey(config.state_dir);
    if (!key) return std::unexpected(key.error());
    parts.local_sts = std::make_shared<const sts::LocalSts>(std::move(*store), std::move(*key));
    hosts.push_back(config.local_sts->address);
  }
  if (config.eks_api) hosts.push_back(config.eks_api->address);
  if (config.kube_api) hosts.push_back(config.kube_api->address);
  auto tls = EnsureTlsMaterial(config.state_dir, hosts);
  if (!tls) return std::unexpected(tls.error());
  parts.tls = *tls;
  if (!config.access_entries_store.empty()) {
    auto opened = OpenStores(config);
    if (!opened) return std::unexpected(opened.error());
    parts.store = std::move(opened->access);
    parts.meter = opened->kv;
    parts.kv = std::move(opened->kv);
  }
  if (parts.kv && state::ServesStoredObjects(config)) {
    auto objects = OpenObjects(config, parts.kv);
    if (!objects) return std::unexpected(objects.error());
    parts.objects = std::move(*objects);
  }
  auto a = Authenticator::Create(config, parts.local_sts, parts.store, nullptr, parts.kv);
  if (!a) return std::unexpected(a.error());
  parts.authenticator = std::move(*a);
  if (parts.meter) parts.authenticator->ReportStore(parts.meter);
  return parts;
}

}  // namespace kubeiam::server
