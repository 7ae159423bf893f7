#include "kubeapi/strategic_merge.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <algorithm>
#include <optional>

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

constexpr std::string_view kDeleteFrom = "$deleteFromPrimitiveList/";
constexpr std::string_view kSetOrder = "$setElementOrder/";

// How a list field merges (the Go types' patchStrategy and patchMergeKey).
struct ListStrategy {
  enum class Type { kReplace, kMergeScalars, kMergeByKey };
  Type type = Type::kReplace;
  std::string key;
};

ListStrategy StrategyAt(const StoredKind& kind, const std::string& path) {
  using T = ListStrategy::Type;
  if (path == "metadata.finalizers") return {T::kMergeScalars, ""};
  if (path == "metadata.ownerReferences") return {T::kMergeByKey, "uid"};
  if (kind.kind == "Namespace" && path == "status.conditions") return {T::kMergeByKey, "type"};
  return {T::kReplace, ""};  // rules, subjects, managedFields, spec.finalizers, selectors: atomic
}

Result<json::value> MergeValue(json::value original, const json::value& patch, const StoredKind& kind, const std::string& path);

std::string Join(const std::string& path, std::string_view key) { return path.empty() ? std::string(key) : path + "." + std::string(key); }

std::optional<size_t> Position(const json::array& list, const json::value& v, const std::string& key) {
  for (size_t i = 0; i < list.size(); ++i) {
    if (key.empty() ? list[i] == v
                    : (list[i].is_object() && v.is_object() && list[i].as_object().if_contains(key) &&
                       v.as_object().if_contains(key) && list[i].at(key) == v.at(key))) {
      return i;
    }
  }
  return std::nullopt;
}

// Patch items (patch order) and items only the server has (live order), zipped: of the two
// heads, the one earlier in the live list goes first when both are in it, else the patch item.
json::array Zip(const json::array& from_patch, const json::array& server_only, const json::array& live, const std::string& key) {
  json::array out;
  size_t a = 0, b = 0;
  while (a < from_patch.size() && b < server_only.size()) {
    auto pa = Position(live, from_patch[a], key), pb = Position(live, server_only[b], key);
    if (pa && pb && *pb < *pa) {
      out.push_back(server_only[b++]);
    } else {
      out.push_back(from_patch[a++]);
    }
  }
  while (a < from_patch.size()) out.push_back(from_patch[a++]);
  while (b < server_only.size()) out.push_back(server_only[b++]);
  return out;
}

Result<json::array> MergeScalarList(const json::array& live, const json::array& patch) {
  json::array added, server_only;
  for (const auto& v : patch) {
    if (v.is_array()) return Fail(ErrorCode::kFormat, "lists of lists are not supported");
    if (!Position(added, v, "")) added.push_back(v);
  }
  for (const auto& v : live) {
    if (!Position(added, v, "")) server_only.push_back(v);
  }
  return Zip(added, server_only, live, "");
}

Result<json::array> MergeKeyedList(const json::array& live, const json::array& patch, const StoredKind& kind,
                                   const std::string& path, const std::string& key) {
  json::array merged, from_patch, server_only;
  json::array working = live;
  for (const auto& p : patch) {
    if (!p.is_object()) return Fail(ErrorCode::kFormat, "lists of lists are not supported");
    const json::object& element = p.as_object();
    const json::value* directive = element.if_contains("$patch");
    if (directive && *directive == json::value("merge")) return Fail(ErrorCode::kFormat, "merging lists cannot yet be specified in the patch");
    if (!element.contains(key)) {
      return Fail(ErrorCode::kFormat, "map: " + json::serialize(element) + " does not contain declared merge key: " + key);
    }
    if (directive && *directive == json::value("delete")) {
      working.erase(std::remove_if(working.begin(), working.end(), [&](const json::value& w) {
                      return w.is_object() && w.as_object().if_contains(key) && w.at(key) == element.at(key);
                    }), working.end());
      continue;
    }
    auto at = Position(working, p, key);
    auto value = MergeValue(at ? working[*at] : json::value(json::object()), p, kind, path);
    if (!value) return std::unexpected(value.error());
    from_patch.push_back(std::move(*value));
  }
  for (const auto& w : working) {
    if (!Position(from_patch, w, key)) server_only.push_back(w);
  }
  return Zip(from_patch, server_only, working, key);
}

// A list whose patch holds {"$patch": "replace"}: the other patch elements, as they are.
std::optional<json::array> ReplaceDirective(const json::array& patch) {
  bool replace = false;
  json::array rest;
  for (const auto& p : patch) {
    if (p.is_object() && p.as_object().if_contains("$patch") && p.at("$patch") == json::value("replace")) {
      replace = true;
    } else {
      rest.push_back(p);
    }
  }
  return replace ? std::optional<json::array>(std::move(rest)) : std::nullopt;
}

Result<json::value> MergeList(const json::value& original, const json::array& patch, const StoredKind& kind, const std::string& path) {
  ListStrategy s = StrategyAt(kind, path);
  if (s.type == ListStrategy::Type::kReplace) return json::value(patch);
  if (auto replaced = ReplaceDirective(patch)) return json::value(std::move(*replaced));
  json::array live = original.is_array() ? original.as_array() : json::array();
  auto merged = s.type == ListStrategy::Type::kMergeScalars ? MergeScalarList(live, patch) : MergeKeyedList(live, patch, kind, path, s.key);
  if (!merged) return std::unexpected(merged.error());
  return json::value(std::move(*merged));
}

// $setElementOrder/<field>: the final order of the list's elements (maps named by merge key).
Status ApplyOrder(json::object& out, const std::string& field, const json::value& order, const StoredKind& kind, const std::string& path) {
  json::value* list = out.if_contains(field);
  if (!list || !list->is_array() || !order.is_array()) return {};
  std::string key = StrategyAt(kind, path).key;
  json::array sorted, rest = list->as_array();
  for (const auto& o : order.as_array()) {
    auto at = Position(rest, o, key);
    if (!at) continue;
    sorted.push_back(rest[*at]);
    rest.erase(rest.begin() + *at);
  }
  for (auto& r : rest) sorted.push_back(std::move(r));
  *list = std::move(sorted);
  return {};
}

Status DeleteFromList(json::object& out, const std::string& field, const json::value& values) {
  if (!values.is_array()) return Fail(ErrorCode::kInvalidArgument, "invalid patch format of primitive list");
  json::value* list = out.if_contains(field);
  if (!list || !list->is_array()) return {};
  auto& a = list->as_array();
  for (const auto& v : values.as_array()) a.erase(std::remove(a.begin(), a.end(), v), a.end());
  return {};
}

Status RetainKeys(json::object& out, const json::object& patch, const json::value& keys) {
  if (!keys.is_array()) return Fail(ErrorCode::kInvalidArgument, "invalid patch format of retainKeys");
  auto listed = [&](std::string_view k) { return std::find(keys.as_array().begin(), keys.as_array().end(), json::value(k)) != keys.as_array().end(); };
  for (const auto& [k, v] : patch) {
    if (!k.starts_with("$") && !listed(k)) return Fail(ErrorCode::kFormat, "patch content doesn't match retainKeys list");
  }
  for (auto it = out.begin(); it != out.end();) it = listed(it->key()) ? std::next(it) : out.erase(it);
  return {};
}

Result<json::value> MergeMap(json::value original, const json::object& patch, const StoredKind& kind, const std::string& path) {
  if (const json::value* directive = patch.if_contains("$patch")) {
    if (*directive == json::value("delete")) return json::value(json::object());
    if (*directive != json::value("replace")) {
      return Fail(ErrorCode::kFormat, "unknown patch type: " + json::serialize(*directive) + " in map: " + json::serialize(patch));
    }
    json::object replaced = patch;
    replaced.erase("$patch");
    return json::value(std::move(replaced));
  }
  json::object out = original.is_object() ? original.as_object() : json::object();
  if (const json::value* keys = patch.if_contains("$retainKeys")) {
    if (auto ok = RetainKeys(out, patch, *keys); !ok) return std::unexpected(ok.error());
  }
  for (const auto& [k, v] : patch) {
    if (k.starts_with("$")) continue;
    if (v.is_null()) {
      out.erase(k);
      continue;
    }
    json::value current = out.contains(k) ? out.at(k) : json::value(nullptr);
    auto merged = MergeValue(std::move(current), v, kind, Join(path, k));
    if (!merged) return std::unexpected(merged.error());
    out[k] = std::move(*merged);
  }
  for (const auto& [k, v] : patch) {
    if (k.starts_with(kDeleteFrom)) {
      if (auto ok = DeleteFromList(out, std::string(k.substr(kDeleteFrom.size())), v); !ok) return std::unexpected(ok.error());
    } else if (k.starts_with(kSetOrder)) {
      std::string field(k.substr(kSetOrder.size()));
      if (auto ok = ApplyOrder(out, field, v, kind, Join(path, field)); !ok) return std::unexpected(ok.error());
    } else if (k.starts_with("$") && k != "$patch" && k != "$retainKeys") {
      return Fail(ErrorCode::kFormat, "unknown patch directive: " + std::string(k));
    }
  }
  return json::value(std::move(out));
}

Result<json::value> MergeValue(json::value original, const json::value& patch, const StoredKind& kind, const std::string& path) {
  if (patch.is_object()) return MergeMap(original.is_object() ? std::move(original) : json::value(json::object()), patch.as_object(), kind, path);
  if (patch.is_array()) return MergeList(original, patch.as_array(), kind, path);
  return patch;
}

}  // namespace

Result<json::value> StrategicMerge(json::value original, const json::value& patch, const StoredKind& kind) {
  if (!patch.is_object()) return Fail(ErrorCode::kInvalidArgument, "strategic merge patch format is not supported");
  return MergeMap(std::move(original), patch.as_object(), kind, "");
}

}  // namespace kubeiam::kubeapi
