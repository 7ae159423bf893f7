#include "kubeapi/default_objects.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <set>

#include "kubeapi/manifests.h"
#include "kubeapi/object_meta.h"
#include "kubeapi/responses.h"
#include "rbac/aggregation.h"
#include "rbac/bootstrap.h"
#include "rbac/loader.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

constexpr size_t kBatch = 100;  // creates per transaction (the store takes 128 operations)

json::object Namespace(const char* name) {
  return {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", json::object{{"name", name}}}};
}

std::vector<json::object> Defaults() {
  std::vector<json::object> out;
  for (const char* ns : {"default", "kube-node-lease", "kube-public", "kube-system"}) out.push_back(Namespace(ns));
  auto policy = ParseManifestObjects(rbac::BootstrapPolicyManifest(), "bootstrap policy");
  for (auto& o : policy ? *policy : std::vector<json::object>()) {
    json::object& meta = Metadata(o);
    if (!meta["labels"].is_object()) meta["labels"] = json::object();
    meta["labels"].as_object()["kubernetes.io/bootstrapping"] = "rbac-defaults";
    if (!meta["annotations"].is_object()) meta["annotations"] = json::object();
    meta["annotations"].as_object()["rbac.authorization.kubernetes.io/autoupdate"] = "true";
    out.push_back(std::move(o));
  }
  return out;
}

struct Missing {
  const StoredKind* kind;
  json::object object;
};

// The seeds that are not in the store yet, ready to be created.
Result<std::vector<Missing>> FindMissing(ObjectRegistry& registry, std::vector<json::object> seeds, TimePoint now) {
  std::vector<Missing> out;
  std::set<std::string> seen;
  for (auto& o : seeds) {
    const json::value* api = o.if_contains("apiVersion");
    const json::value* k = o.if_contains("kind");
    const StoredKind* kind = api && k && api->is_string() && k->is_string() ? FindStoredKindOf(api->as_string(), k->as_string()) : nullptr;
    std::string name = MetaString(o, "name");
    if (!kind) return Fail(ErrorCode::kInvalidArgument, name + ": the API front keeps Namespaces, ConfigMaps and RBAC objects only");
    std::string ns = kind->namespaced ? MetaString(o, "namespace") : "";
    if (kind->namespaced && ns.empty()) ns = "default";
    if (!seen.insert(registry.Key(*kind, ns, name)).second) continue;  // the first seed of a name wins
    auto got = registry.Get(*kind, ns, name);
    if (!got) return std::unexpected(got.error());
    if (*got) continue;
    if (auto ok = PrepareCreate(o, *kind, ns, now); !ok) return std::unexpected(ok.error().Wrap(name));
    ApplyDefaults(o, *kind);
    out.push_back({kind, std::move(o)});
  }
  return out;
}

Status CreateAll(ObjectRegistry& registry, const std::vector<Missing>& missing) {
  for (size_t i = 0; i < missing.size(); i += kBatch) {
    std::vector<ObjectWrite> writes;
    for (size_t j = i; j < std::min(missing.size(), i + kBatch); ++j) {
      const auto& m = missing[j];
      writes.push_back({m.kind, MetaString(m.object, "namespace"), MetaString(m.object, "name"), m.object, 0});
    }
    auto written = registry.Write(writes);
    if (!written) return std::unexpected(written.error());
    // Another replica seeded some meanwhile: the next pass skips what is there.
    if (!*written) return Fail(ErrorCode::kUnavailable, "seeding raced another writer");
  }
  return {};
}

json::array RulesJson(const std::vector<rbac::PolicyRule>& rules) {
  json::array out;
  for (const auto& r : rules) out.push_back(PolicyRuleJson(r));
  return out;
}

// One pass: the aggregated roles whose rules differ from what their selectors give now.
Result<bool> AggregateOnce(ObjectRegistry& registry) {
  const StoredKind& kind = *FindStoredKind(kRbacGroup, "clusterroles");
  auto listed = registry.List(kind, "");
  if (!listed) return std::unexpected(listed.error());
  json::array items;
  for (const auto& i : listed->items) items.push_back(i.object);
  auto parsed = rbac::ParseManifests(json::serialize(json::object{{"apiVersion", "v1"}, {"kind", "List"}, {"items", items}}), "the store");
  if (!parsed) return std::unexpected(parsed.error());
  rbac::AggregateClusterRoles(parsed->cluster_roles);
  std::vector<ObjectWrite> writes;
  for (const auto& role : parsed->cluster_roles) {
    if (role.aggregation_selectors.empty()) continue;
    for (const auto& stored : listed->items) {
      if (MetaString(stored.object, "name") != role.name) continue;
      json::array rules = RulesJson(role.rules);
      const json::value* now = stored.object.if_contains("rules");
      if (now && *now == json::value(rules)) break;
      json::object next = stored.object;
      next["rules"] = std::move(rules);
      writes.push_back({&kind, "", role.name, std::move(next), stored.revision});
      break;
    }
  }
  if (writes.empty()) return true;
  auto written = registry.Write(writes);
  if (!written) return std::unexpected(written.error());
  return false;  // written or lost a race: look again
}

}  // namespace

Status EnsureDefaultObjects(ObjectRegistry& registry, const std::vector<json::object>& seeds, TimePoint now) {
  std::vector<json::object> all = Defaults();
  all.insert(all.end(), seeds.begin(), seeds.end());
  Status last;
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto missing = FindMissing(registry, all, now);
    if (!missing) return std::unexpected(missing.error());
    last = CreateAll(registry, *missing);
    if (last) return AggregateStoredClusterRoles(registry);
    if (last.error().code != ErrorCode::kUnavailable) return last;
  }
  return last;
}

Status AggregateStoredClusterRoles(ObjectRegistry& registry) {
  for (int pass = 0; pass < 16; ++pass) {
    auto settled = AggregateOnce(registry);
    if (!settled) return std::unexpected(settled.error());
    if (*settled) return {};
  }
  return {};
}

}  // namespace kubeiam::kubeapi
