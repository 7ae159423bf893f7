#include "kubeapi/object_registry.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "store/object_keys.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

// What is stored: the object without its resourceVersion, which the key's revision supplies.
std::string Encode(json::object object) {
  if (auto* meta = object.if_contains("metadata"); meta && meta->is_object()) meta->as_object().erase("resourceVersion");
  return json::serialize(object);
}

}  // namespace

ObjectRegistry::ObjectRegistry(std::shared_ptr<store::KvStore> kv, std::string cluster)
    : kv_(std::move(kv)), cluster_(std::move(cluster)) {}

std::string ObjectRegistry::Key(const StoredKind& kind, std::string_view ns, std::string_view name) const {
  return store::ObjectKey(cluster_, kind.resource, kind.namespaced ? ns : "", name);
}

std::pair<std::string, std::string> ObjectRegistry::Range(const StoredKind& kind, std::string_view ns) const {
  std::string prefix = kind.namespaced && !ns.empty() ? store::ObjectNamespacePrefix(cluster_, kind.resource, ns)
                                                      : store::ObjectResourcePrefix(cluster_, kind.resource);
  return {prefix, store::PrefixEnd(prefix)};
}

Result<StoredObject> ObjectRegistry::Decode(const store::KeyValue& kv) {
  boost::system::error_code ec;
  json::value v = json::parse(kv.value, ec);
  if (ec || !v.is_object()) return Fail(ErrorCode::kFormat, kv.key + ": the stored value is not a JSON object");
  StoredObject out{std::move(v.as_object()), kv.mod_revision};
  if (auto* meta = out.object.if_contains("metadata"); meta && meta->is_object()) {
    meta->as_object()["resourceVersion"] = std::to_string(kv.mod_revision);
  }
  return out;
}

Result<std::optional<StoredObject>> ObjectRegistry::Get(const StoredKind& kind, std::string_view ns,
                                                        std::string_view name) const {
  auto got = kv_->Range({Key(kind, ns, name), "", 0});
  if (!got) return std::unexpected(got.error());
  if (got->kvs.empty()) return std::optional<StoredObject>();
  auto decoded = Decode(got->kvs.front());
  if (!decoded) return std::unexpected(decoded.error());
  return std::optional<StoredObject>(std::move(*decoded));
}

Result<ObjectList> ObjectRegistry::List(const StoredKind& kind, std::string_view ns, std::string_view from_key,
                                        int64_t limit) const {
  auto [start, end] = Range(kind, ns);
  if (!from_key.empty() && from_key > start) start = std::string(from_key);
  // One more than asked: whether a next page exists, and where it starts.
  auto got = kv_->Range({start, end, limit > 0 ? limit + 1 : 0});
  if (!got) return std::unexpected(got.error());
  ObjectList out;
  out.revision = got->revision;
  for (const auto& kv : got->kvs) {
    if (limit > 0 && int64_t(out.items.size()) == limit) {
      out.next_key = kv.key;
      break;
    }
    auto decoded = Decode(kv);
    if (!decoded) return std::unexpected(decoded.error());
    out.items.push_back(std::move(*decoded));
  }
  return out;
}

Result<bool> ObjectRegistry::ChangedSince(const StoredKind& kind, std::string_view ns, int64_t revision) const {
  auto watch = Watch(kind, ns, revision);
  if (!watch) return std::unexpected(watch.error());
  auto events = (*watch)->Next(std::chrono::milliseconds(0));
  if (!events) return std::unexpected(events.error());
  return !events->empty();
}

Result<std::optional<int64_t>> ObjectRegistry::Write(const std::vector<ObjectWrite>& writes) {
  store::TxnRequest txn;
  for (const auto& w : writes) {
    std::string key = Key(*w.kind, w.ns, w.name);
    if (w.expected == 0) {
      txn.compares.push_back({key, store::Compare::Target::kCreateRevision, store::Compare::Relation::kEqual, 0, ""});
    } else if (w.expected > 0) {
      txn.compares.push_back(store::ModRevisionIs(key, w.expected));
    }
    txn.success.push_back(w.object ? store::Put(key, Encode(*w.object)) : store::Delete(key));
  }
  auto done = kv_->Txn(txn);
  if (!done) return std::unexpected(done.error());
  if (!done->succeeded) return std::optional<int64_t>();
  return std::optional<int64_t>(done->revision);
}

Result<std::unique_ptr<store::Watcher>> ObjectRegistry::Watch(const StoredKind& kind, std::string_view ns,
                                                              int64_t revision) const {
  auto [start, end] = Range(kind, ns);
  return kv_->Watch(start, end, revision + 1);
}

}  // namespace kubeiam::kubeapi
