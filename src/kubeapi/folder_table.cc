#include "kubeapi/folder_table.h"

#include <algorithm>

#include "kubeapi/object_table.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

const json::value* At(const json::object& o, std::initializer_list<const char*> path) {
  const json::value* v = nullptr;
  const json::object* at = &o;
  for (const char* key : path) {
    v = at ? at->if_contains(key) : nullptr;
    if (!v) return nullptr;
    at = v->if_object();
  }
  return v;
}

std::string Text(const json::object& o, std::initializer_list<const char*> path, std::string fallback = "") {
  const json::value* v = At(o, path);
  return v && v->is_string() ? std::string(v->as_string()) : fallback;
}

const json::array& Array(const json::object& o, std::initializer_list<const char*> path) {
  static const json::array kEmpty;
  const json::value* v = At(o, path);
  return v && v->is_array() ? v->as_array() : kEmpty;
}

json::object Column(const char* name, const char* type, const char* format, int priority = 0) {
  return {{"name", name}, {"type", type}, {"format", format}, {"description", name}, {"priority", priority}};
}

std::string Age(const json::object& o, TimePoint now) {
  auto created = ParseRfc3339(Text(o, {"metadata", "creationTimestamp"}));
  if (!created) return "<unknown>";
  return HumanAge(std::chrono::duration_cast<std::chrono::seconds>(now - *created));
}

// Pods: ready containers of all, the phase (or the reason), restarts summed.
json::array PodCells(const json::object& pod, TimePoint now) {
  int64_t ready = 0, restarts = 0;
  for (const auto& s : Array(pod, {"status", "containerStatuses"})) {
    const auto* st = s.if_object();
    if (!st) continue;
    if (const auto* r = st->if_contains("ready"); r && r->is_bool() && r->as_bool()) ++ready;
    if (const auto* n = st->if_contains("restartCount"); n && n->is_int64()) restarts += n->as_int64();
  }
  std::string status = Text(pod, {"status", "reason"}, Text(pod, {"status", "phase"}, "Pending"));
  std::string containers = std::to_string(Array(pod, {"spec", "containers"}).size());
  return {Text(pod, {"metadata", "name"}), std::to_string(ready) + "/" + containers, status, restarts, Age(pod, now),
          Text(pod, {"status", "podIP"}, "<none>"), Text(pod, {"spec", "nodeName"}, "<none>")};
}

std::string NodeStatus(const json::object& node) {
  std::string status = "Unknown";
  for (const auto& c : Array(node, {"status", "conditions"})) {
    if (!c.is_object() || Text(c.as_object(), {"type"}) != "Ready") continue;
    std::string s = Text(c.as_object(), {"status"});
    status = s == "True" ? "Ready" : s == "False" ? "NotReady" : "Unknown";
  }
  const json::value* off = At(node, {"spec", "unschedulable"});
  return off && off->is_bool() && off->as_bool() ? status + ",SchedulingDisabled" : status;
}

std::string NodeRoles(const json::object& node) {
  std::vector<std::string> roles;
  if (const json::value* labels = At(node, {"metadata", "labels"}); labels && labels->is_object()) {
    for (const auto& [key, value] : labels->as_object()) {
      constexpr std::string_view kPrefix = "node-role.kubernetes.io/";
      if (key.starts_with(kPrefix) && key.size() > kPrefix.size()) roles.emplace_back(key.substr(kPrefix.size()));
      if (key == "kubernetes.io/role" && value.is_string() && !value.as_string().empty()) roles.emplace_back(value.as_string());
    }
  }
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  std::string out;
  for (const auto& r : roles) out += (out.empty() ? "" : ",") + r;
  return out.empty() ? "<none>" : out;
}

std::string NodeAddress(const json::object& node, const char* type) {
  for (const auto& a : Array(node, {"status", "addresses"})) {
    if (a.is_object() && Text(a.as_object(), {"type"}) == type) return Text(a.as_object(), {"address"});
  }
  return "<none>";
}

json::array NodeCells(const json::object& node, TimePoint now) {
  return {Text(node, {"metadata", "name"}), NodeStatus(node), NodeRoles(node), Age(node, now),
          Text(node, {"status", "nodeInfo", "kubeletVersion"}), NodeAddress(node, "InternalIP"),
          NodeAddress(node, "ExternalIP"), Text(node, {"status", "nodeInfo", "osImage"}, "<unknown>")};
}

json::array Columns(const std::string& resource) {
  json::object name = Column("Name", "string", "name"), age = Column("Age", "string", "");
  if (resource == "pods") {
    return {name, Column("Ready", "string", ""), Column("Status", "string", ""), Column("Restarts", "string", ""), age,
            Column("IP", "string", "", 1), Column("Node", "string", "", 1)};
  }
  if (resource == "nodes") {
    return {name, Column("Status", "string", ""), Column("Roles", "string", ""), age, Column("Version", "string", ""),
            Column("Internal-IP", "string", "", 1), Column("External-IP", "string", "", 1), Column("OS-Image", "string", "", 1)};
  }
  return {name, Column("Created At", "date", "")};
}

json::array Cells(const std::string& resource, const json::object& o, TimePoint now) {
  if (resource == "pods") return PodCells(o, now);
  if (resource == "nodes") return NodeCells(o, now);
  const json::value* created = At(o, {"metadata", "creationTimestamp"});
  return {Text(o, {"metadata", "name"}), created ? *created : json::value(nullptr)};
}

}  // namespace

json::object FolderTable(const std::string& resource, const std::vector<const json::object*>& items,
                         const std::string& version, TimePoint now) {
  json::array rows;
  for (const auto* o : items) {
    json::object meta = o->at("metadata").as_object();
    meta["resourceVersion"] = version;
    rows.push_back(json::object{{"cells", Cells(resource, *o, now)},
                                {"object", json::object{{"kind", "PartialObjectMetadata"},
                                                        {"apiVersion", "meta.k8s.io/v1"},
                                                        {"metadata", std::move(meta)}}}});
  }
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", json::object{{"resourceVersion", version}}},
          {"columnDefinitions", Columns(resource)},
          {"rows", std::move(rows)}};
}

}  // namespace kubeiam::kubeapi
