#include "state/stored_objects.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "store/object_keys.h"

namespace kubeiam::state {
namespace {

namespace json = boost::json;

constexpr const char* kRbacResources[] = {"clusterroles", "clusterrolebindings", "roles", "rolebindings"};

}  // namespace

Result<int64_t> StoreRevision(const StoredObjects& source) {
  std::string prefix = store::ObjectsPrefix(source.cluster);
  auto got = source.kv->Range({prefix, store::PrefixEnd(prefix), 1});
  if (!got) return std::unexpected(got.error());
  return got->revision;
}

Result<bool> ObjectsChangedSince(const StoredObjects& source, int64_t revision) {
  if (revision <= 0) return true;
  // Nothing committed since: nothing to look for (the common case, one cheap read).
  auto now = StoreRevision(source);
  if (!now) return std::unexpected(now.error());
  if (*now <= revision) return false;
  std::string prefix = store::ObjectsPrefix(source.cluster);
  auto watch = source.kv->Watch(prefix, store::PrefixEnd(prefix), revision + 1);
  if (!watch && watch.error().code == ErrorCode::kGone) return true;
  if (!watch) return std::unexpected(watch.error());
  // The history since arrives at once from SQLite, within milliseconds from etcd's stream; a
  // change elsewhere in the store (an access entry) waits the whole of this.
  auto events = (*watch)->Next(std::chrono::milliseconds(100));
  if (!events && events.error().code == ErrorCode::kGone) return true;
  if (!events) return std::unexpected(events.error());
  return !events->empty();
}

Result<StoredRbac> LoadStoredRbac(const StoredObjects& source) {
  // One read of the whole objects range: the four kinds at one revision.
  std::string prefix = store::ObjectsPrefix(source.cluster);
  auto got = source.kv->Range({prefix, store::PrefixEnd(prefix), 0});
  if (!got) return std::unexpected(got.error());
  json::array items;
  for (const auto& kv : got->kvs) {
    std::string_view rest = std::string_view(kv.key).substr(prefix.size());
    std::string_view resource = rest.substr(0, rest.find('/'));
    if (std::find(std::begin(kRbacResources), std::end(kRbacResources), resource) == std::end(kRbacResources)) continue;
    boost::system::error_code ec;
    json::value v = json::parse(kv.value, ec);
    if (!ec && v.is_object()) items.push_back(std::move(v));
  }
  std::string list = json::serialize(json::object{{"apiVersion", "v1"}, {"kind", "List"}, {"items", std::move(items)}});
  auto parsed = rbac::ParseManifests(list, "the store");
  if (!parsed) return std::unexpected(parsed.error());
  return StoredRbac{std::move(*parsed), got->revision};
}

Result<std::optional<std::string>> LoadStoredAwsAuth(const StoredObjects& source) {
  auto got = source.kv->Range({store::ObjectKey(source.cluster, "configmaps", "kube-system", "aws-auth"), "", 0});
  if (!got) return std::unexpected(got.error());
  if (got->kvs.empty()) return std::optional<std::string>();
  return std::optional<std::string>(got->kvs.front().value);
}

}  // namespace kubeiam::state
