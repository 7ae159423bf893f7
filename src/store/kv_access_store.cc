#include "store/kv_access_store.h"

#include <algorithm>
#include <map>

#include "store/access_keys.h"
#include "util/strings.h"

namespace kubeiam::store {
namespace {

eks::ApiError ServerError(const Error& e) { return {"ServerException", 500, e.message}; }

// The cluster whose access config is the only one in the store.
Result<std::string> OnlyCluster(KvStore& kv) {
  auto clusters = kv.Range({ClustersPrefix(), PrefixEnd(ClustersPrefix()), 0});
  if (!clusters) return std::unexpected(clusters.error());
  std::vector<std::string> names;
  for (const auto& item : clusters->kvs) {
    if (!item.key.ends_with("/access/config")) continue;
    eks::ClusterAccess c;
    if (DecodeAccessConfig(item.value, c)) names.push_back(c.cluster.name);
  }
  if (names.empty()) return Fail(ErrorCode::kNotFound, "the store holds no cluster; name one to create it");
  if (names.size() > 1) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    return Fail(ErrorCode::kInvalidArgument, "the store holds " + std::to_string(names.size()) + " clusters (" + list +
                                                 "); name one");
  }
  return names[0];
}

}  // namespace

void DiffEntries(const eks::EntryList& before, const eks::EntryList& after,
                 const std::function<void(const eks::AccessEntry&)>& put,
                 const std::function<void(const eks::AccessEntry&)>& remove) {
  // The edits a write makes (append, replace in place, erase one) keep the lists aligned: walk
  // both, comparing nodes, and resynchronize over one insert or erase.
  size_t i = 0, j = 0;
  const size_t nb = before.size(), na = after.size();
  while (i < nb && j < na) {
    const auto &b = before.node(i), &a = after.node(j);
    if (b == a) {
      ++i, ++j;
    } else if (EqualsIgnoreCase(b->principal_arn, a->principal_arn)) {
      if (!(*b == *a)) put(*a);
      ++i, ++j;
    } else if (i + 1 < nb && before.node(i + 1) == a) {
      remove(*b);
      ++i;
    } else if (j + 1 < na && after.node(j + 1) == b) {
      put(*a);
      ++j;
    } else {
      break;
    }
  }
  if (i == nb && j == na) return;
  // Anything else: match the rest by principal.
  std::map<std::string, const eks::AccessEntry*> rest;
  for (size_t k = i; k < nb; ++k) rest[ToLower(before[k].principal_arn)] = &before[k];
  for (size_t k = j; k < na; ++k) {
    auto it = rest.find(ToLower(after[k].principal_arn));
    if (it == rest.end() || !(*it->second == after[k])) put(after[k]);
    if (it != rest.end()) rest.erase(it);
  }
  for (const auto& [arn, e] : rest) remove(*e);
}

Result<std::unique_ptr<KvAccessStore>> KvAccessStore::Open(std::shared_ptr<KvStore> kv, const eks::ClusterAccess& seed) {
  std::string cluster = seed.cluster.name;
  if (cluster.empty()) {
    auto only = OnlyCluster(*kv);
    if (!only) return std::unexpected(only.error());
    cluster = *only;
  } else {
    // Create the cluster's state unless it exists: the compare on the config key's creation
    // makes two processes opening at once seed it once.
    TxnRequest t;
    t.compares.push_back({AccessConfigKey(cluster), Compare::Target::kCreateRevision, Compare::Relation::kEqual, 0, {}});
    eks::ClusterAccess first = seed;
    first.revision = 0;
    t.success.push_back(Put(AccessConfigKey(cluster), EncodeAccessConfig(first)));
    for (const auto& e : seed.entries) t.success.push_back(Put(AccessEntryKey(cluster, e.principal_arn), EncodeAccessEntry(e)));
    if (auto r = kv->Txn(t); !r) return std::unexpected(r.error());
  }
  return std::unique_ptr<KvAccessStore>(new KvAccessStore(std::move(kv), std::move(cluster)));
}

Result<std::unique_ptr<KvAccessStore>> KvAccessStore::OpenExisting(std::shared_ptr<KvStore> kv, const std::string& cluster) {
  if (cluster.empty()) return Open(std::move(kv), eks::ClusterAccess{});
  std::unique_ptr<KvAccessStore> s(new KvAccessStore(std::move(kv), cluster));
  if (auto guard = s->Guard(); !guard) return std::unexpected(guard.error());
  return s;
}

Result<KvAccessStore::FullRead> KvAccessStore::Read() {
  std::string prefix = AccessPrefix(cluster_);
  auto range = kv_->Range({prefix, PrefixEnd(prefix), 0});
  if (!range) return std::unexpected(range.error());
  FullRead out;
  auto& c = out.state;
  int64_t& guard = out.guard;
  out.revision = range->revision;
  const std::string config_key = AccessConfigKey(cluster_);
  std::vector<eks::AccessEntry> entries;
  for (const auto& item : range->kvs) {
    if (item.key == config_key) {
      if (auto ok = DecodeAccessConfig(item.value, c); !ok) return std::unexpected(ok.error().Wrap(item.key));
      guard = item.mod_revision;
      continue;
    }
    auto e = DecodeAccessEntry(item.value);
    if (!e) return std::unexpected(e.error().Wrap(item.key));
    entries.push_back(std::move(*e));
  }
  if (guard == 0) return Fail(ErrorCode::kNotFound, "cluster " + cluster_ + ": no access state in the store");
  // The order EKS lists them in: oldest first.
  std::sort(entries.begin(), entries.end(), [](const eks::AccessEntry& a, const eks::AccessEntry& b) {
    return std::tie(a.created_at, a.principal_arn) < std::tie(b.created_at, b.principal_arn);
  });
  c.entries = std::move(entries);
  return out;
}

Result<int64_t> KvAccessStore::Guard() {
  auto range = kv_->Range({AccessConfigKey(cluster_), "", 0});
  if (!range) return std::unexpected(range.error());
  if (range->kvs.empty()) return Fail(ErrorCode::kNotFound, "cluster " + cluster_ + ": no access state in the store");
  return range->kvs[0].mod_revision;
}

TxnRequest KvAccessStore::WriteOf(const eks::ClusterAccess& before, const eks::ClusterAccess& after, int64_t guard) const {
  TxnRequest t;
  t.compares.push_back(ModRevisionIs(AccessConfigKey(cluster_), guard));
  DiffEntries(before.entries, after.entries,
              [&](const eks::AccessEntry& e) { t.success.push_back(Put(AccessEntryKey(cluster_, e.principal_arn), EncodeAccessEntry(e))); },
              [&](const eks::AccessEntry& e) { t.success.push_back(Delete(AccessEntryKey(cluster_, e.principal_arn))); });
  // Every write puts the config (its count of writes moves), which is what fences other writers.
  t.success.push_back(Put(AccessConfigKey(cluster_), EncodeAccessConfig(after)));
  return t;
}

Status KvAccessStore::Apply(const Event& e) {
  if (e.kv.key == AccessConfigKey(cluster_)) {
    if (e.type == Event::Type::kDelete) return Fail(ErrorCode::kNotFound, "cluster " + cluster_ + ": access state deleted");
    eks::ClusterAccess c;
    if (auto ok = DecodeAccessConfig(e.kv.value, c); !ok) return ok;
    c.entries = std::move(cached_->entries);
    *cached_ = std::move(c);
    cached_guard_ = e.kv.mod_revision;
    return {};
  }
  auto& entries = cached_->entries;
  auto at = [&](auto matches) {
    for (size_t i = 0; i < entries.size(); ++i) {
      if (matches(entries[i])) return i;
    }
    return entries.size();
  };
  if (e.type == Event::Type::kDelete) {
    size_t i = at([&](const eks::AccessEntry& x) { return AccessEntryKey(cluster_, x.principal_arn) == e.kv.key; });
    if (i < entries.size()) entries.erase(entries.begin() + std::ptrdiff_t(i));
    return {};
  }
  auto decoded = DecodeAccessEntry(e.kv.value);
  if (!decoded) return std::unexpected(decoded.error());
  size_t i = at([&](const eks::AccessEntry& x) { return EqualsIgnoreCase(x.principal_arn, decoded->principal_arn); });
  if (i < entries.size()) {
    entries.Mutable(i) = std::move(*decoded);
  } else {
    entries.push_back(std::move(*decoded));
  }
  return {};
}

Status KvAccessStore::CatchUp() {
  std::string prefix = AccessPrefix(cluster_);
  auto w = kv_->Watch(prefix, PrefixEnd(prefix), cached_revision_ + 1);
  if (!w) return std::unexpected(w.error());
  for (;;) {
    auto events = (*w)->Next(std::chrono::milliseconds(0));
    if (!events) return std::unexpected(events.error());
    if (events->empty()) return {};
    for (const auto& e : *events) {
      if (auto ok = Apply(e); !ok) return ok;
      cached_revision_ = e.kv.mod_revision;
    }
  }
}

Status KvAccessStore::Sync(int64_t guard) {
  if (cached_ && cached_guard_ == guard) return {};
  if (cached_ && CatchUp() && cached_guard_ >= guard) return {};
  auto read = Read();
  if (!read) return std::unexpected(read.error());
  cached_ = std::move(read->state);
  cached_guard_ = read->guard;
  cached_revision_ = read->revision;
  return {};
}

eks::ApiResult<eks::ClusterAccess> KvAccessStore::Load() {
  std::lock_guard<std::mutex> l(mu_);
  auto guard = Guard();
  if (!guard) return std::unexpected(ServerError(guard.error()));
  if (auto ok = Sync(*guard); !ok) return std::unexpected(ServerError(ok.error()));
  return *cached_;
}

Result<std::unique_ptr<Watcher>> KvAccessStore::Watch() {
  std::string prefix = AccessPrefix(cluster_);
  return kv_->Watch(prefix, PrefixEnd(prefix), 0);
}

eks::ApiResult<uint64_t> KvAccessStore::Revision() {
  auto range = kv_->Range({AccessConfigKey(cluster_), "", 0});
  if (!range) return std::unexpected(ServerError(range.error()));
  if (range->kvs.empty()) return std::unexpected(ServerError({ErrorCode::kNotFound, "cluster " + cluster_ + ": no access state"}));
  eks::ClusterAccess c;
  if (auto ok = DecodeAccessConfig(range->kvs[0].value, c); !ok) return std::unexpected(ServerError(ok.error()));
  return c.revision;
}

eks::ApiResult<eks::ClusterAccess> KvAccessStore::Update(const Change& change) {
  std::lock_guard<std::mutex> l(mu_);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto guard = Guard();
    if (!guard) return std::unexpected(ServerError(guard.error()));
    if (auto ok = Sync(*guard); !ok) return std::unexpected(ServerError(ok.error()));
    eks::ClusterAccess after = *cached_;
    if (auto refused = change(after)) return std::unexpected(*refused);
    after.revision = cached_->revision + 1;
    auto written = kv_->Txn(WriteOf(*cached_, after, cached_guard_));
    if (!written) return std::unexpected(ServerError(written.error()));
    if (written->succeeded) {
      cached_ = after;
      cached_guard_ = cached_revision_ = written->revision;
      return after;
    }
  }
  return std::unexpected(eks::ApiError{"ServerException", 500,
                                       "the access state kept changing under this write (" + std::to_string(kMaxAttempts) +
                                           " attempts); try again"});
}

}  // namespace kubeiam::store
