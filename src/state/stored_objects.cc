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

Result<std::optional<ObjectsMark>> ObjectsChangedSince(const StoredObjects& source, const ObjectsMark& last) {
  std::string prefix = store::ObjectsPrefix(source.cluster);
  store::RangeRequest request{prefix, store::PrefixEnd(prefix), 1, last.revision + 1, true};
  auto got = source.kv->Range(request);
  if (!got) return std::unexpected(got.error());
  if (last.count >= 0 && got->count == last.count && got->kvs.empty()) return std::optional<ObjectsMark>();
  return std::optional<ObjectsMark>(ObjectsMark{got->revision, got->count});
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
