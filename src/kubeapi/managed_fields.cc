#include "kubeapi/managed_fields.h"

#include <map>
#include <set>
#include <vector>

#include "kubeapi/object_meta.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

using Path = std::vector<std::string>;
// Every owned path with the value it holds (a map's "." marker holds nothing).
using Leaves = std::map<Path, json::value>;

bool ServerOwned(const Path& at, std::string_view key) {
  if (at.empty()) return key == "apiVersion" || key == "kind";
  if (at.size() != 1 || at[0] != "f:metadata") return false;
  static const std::set<std::string_view> kOwned = {"name", "namespace", "uid", "resourceVersion", "generation",
                                                    "creationTimestamp", "managedFields", "selfLink", "deletionTimestamp",
                                                    "deletionGracePeriodSeconds", "generateName"};
  return kOwned.count(key) > 0;
}

// Structs walked into (never owned themselves), and structs owned as a whole.
bool IsStruct(const Path& at) {
  return at.empty() || (at.size() == 1 && (at[0] == "f:metadata" || at[0] == "f:spec" || at[0] == "f:status"));
}
bool IsAtomic(const Path& at) { return at.size() == 1 && at[0] == "f:roleRef"; }

void Collect(const json::value& v, Path& at, Leaves& out) {
  if (!v.is_object() || IsAtomic(at) || (v.as_object().empty() && !IsStruct(at))) {
    out[at] = v;
    return;
  }
  if (!IsStruct(at)) {
    at.push_back(".");
    out[at] = nullptr;
    at.pop_back();
  }
  for (const auto& [key, child] : v.as_object()) {
    if (ServerOwned(at, key)) continue;
    at.push_back("f:" + std::string(key));
    Collect(child, at, out);
    at.pop_back();
  }
}

Leaves LeavesOf(const json::object& object) {
  Leaves out;
  Path at;
  Collect(object, at, out);
  return out;
}

json::object ToFieldsV1(const std::set<Path>& paths) {
  json::object root;
  for (const auto& p : paths) {
    json::object* node = &root;
    for (const auto& step : p) {
      json::value& child = (*node)[step];
      if (!child.is_object()) child = json::object();
      node = &child.as_object();
    }
  }
  return root;
}

void FromFieldsV1(const json::object& node, Path& at, std::set<Path>& out) {
  if (node.empty() && !at.empty()) out.insert(at);
  for (const auto& [key, child] : node) {
    at.emplace_back(key);
    if (child.is_object()) FromFieldsV1(child.as_object(), at, out);
    at.pop_back();
  }
}

struct Entry {
  json::object fields;  // the entry as stored, but its set
  std::set<Path> paths;
};

std::vector<Entry> EntriesOf(const json::object* previous) {
  std::vector<Entry> out;
  const json::value* meta = previous ? previous->if_contains("metadata") : nullptr;
  const json::value* list = meta && meta->is_object() ? meta->as_object().if_contains("managedFields") : nullptr;
  if (!list || !list->is_array()) return out;
  for (const auto& e : list->as_array()) {
    if (!e.is_object()) continue;
    Entry entry{e.as_object(), {}};
    if (const json::value* f = entry.fields.if_contains("fieldsV1"); f && f->is_object()) {
      Path at;
      FromFieldsV1(f->as_object(), at, entry.paths);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

std::string ApiVersionOf(const json::object& o) {
  const json::value* v = o.if_contains("apiVersion");
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

}  // namespace

Result<std::string> FieldManagerOf(const http::HttpRequest& request, const RequestInfo& info) {
  std::string manager(info.Value("fieldManager"));
  if (manager.empty()) {
    const std::string* agent = request.Header("User-Agent");
    manager = agent ? agent->substr(0, agent->find('/')) : "";
  }
  if (info.First("fieldManager") && manager.size() > 128) {
    return Fail(ErrorCode::kInvalidArgument, "fieldManager: Invalid value: \"" + manager.substr(0, 20) +
                                                 "...\": must be less than 128 characters");
  }
  if (manager.size() > 128) manager.resize(128);
  return manager;
}

json::object FieldsV1Of(const json::object& object) {
  std::set<Path> paths;
  for (const auto& [p, v] : LeavesOf(object)) paths.insert(p);
  return ToFieldsV1(paths);
}

void RecordManagedFields(json::object& next, const json::object* previous, const std::string& manager, TimePoint now) {
  Leaves after = LeavesOf(next), before = previous ? LeavesOf(*previous) : Leaves{};
  std::set<Path> changed, removed;
  for (const auto& [p, v] : after) {
    auto it = before.find(p);
    if (it == before.end() || it->second != v) changed.insert(p);
  }
  for (const auto& [p, v] : before) {
    if (!after.count(p)) removed.insert(p);
  }
  std::vector<Entry> entries = EntriesOf(previous);
  bool mine = false;
  for (auto& e : entries) {
    bool writer = e.fields["manager"] == json::value(manager) && e.fields["operation"] == json::value("Update");
    for (const auto& p : removed) e.paths.erase(p);
    if (writer) {
      mine = true;
      e.paths.insert(changed.begin(), changed.end());
      if (!changed.empty()) e.fields["time"] = FormatRfc3339(now);
    } else {
      for (const auto& p : changed) e.paths.erase(p);
    }
  }
  if (!mine && !changed.empty()) {
    entries.push_back({json::object{{"manager", manager}, {"operation", "Update"}, {"apiVersion", ApiVersionOf(next)},
                                    {"time", FormatRfc3339(now)}, {"fieldsType", "FieldsV1"}},
                       changed});
  }
  json::array out;
  for (auto& e : entries) {
    if (e.paths.empty()) continue;
    e.fields["fieldsV1"] = ToFieldsV1(e.paths);
    out.push_back(std::move(e.fields));
  }
  json::object& meta = Metadata(next);
  if (out.empty()) {
    meta.erase("managedFields");
  } else {
    meta["managedFields"] = std::move(out);
  }
}

}  // namespace kubeiam::kubeapi
