#include "kubeapi/object_table.h"

#include <array>
#include <boost/json/array.hpp>

#include "kubeapi/object_meta.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

json::object Column(const char* name, const char* type, const char* format, const char* description, int priority = 0) {
  return {{"name", name}, {"type", type}, {"format", format}, {"description", description}, {"priority", priority}};
}

json::array Columns(const StoredKind& kind) {
  json::object name = Column("Name", "string", "name",
                             "Name must be unique within a namespace. Is required when creating resources, although some "
                             "resources may allow a client to request the generation of an appropriate name automatically.");
  json::object age = Column("Age", "string", "",
                            "CreationTimestamp is a timestamp representing the server time when this object was created.");
  if (kind.kind == "Namespace") return {name, Column("Status", "string", "", "The status of the namespace"), age};
  if (kind.kind == "ConfigMap") return {name, Column("Data", "string", "", "Data contains the configuration data."), age};
  if (kind.kind == "Role" || kind.kind == "ClusterRole") {
    return {name, Column("Created At", "date", "", "CreationTimestamp is a timestamp representing the server time when this object was created.")};
  }
  return {name, Column("Role", "string", "", "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace."),
          age, Column("Users", "string", "", "Users in the binding", 1), Column("Groups", "string", "", "Groups in the binding", 1),
          Column("ServiceAccounts", "string", "", "ServiceAccounts in the binding", 1)};
}

std::string Age(const json::object& o, TimePoint now) {
  auto created = ParseRfc3339(MetaString(o, "creationTimestamp"));
  if (!created) return "<unknown>";
  return HumanAge(std::chrono::duration_cast<std::chrono::seconds>(now - *created));
}

// Users, groups and service accounts of a binding, each joined by ", ".
std::array<std::string, 3> Subjects(const json::object& o) {
  std::array<std::string, 3> out;
  const json::value* subjects = o.if_contains("subjects");
  if (!subjects || !subjects->is_array()) return out;
  for (const auto& s : subjects->as_array()) {
    if (!s.is_object()) continue;
    auto str = [&](const char* k) {
      const json::value* v = s.as_object().if_contains(k);
      return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    std::string kind = str("kind");
    int i = kind == "User" ? 0 : kind == "Group" ? 1 : 2;
    std::string name = i == 2 ? str("namespace") + "/" + str("name") : str("name");
    out[i] += (out[i].empty() ? "" : ", ") + name;
  }
  return out;
}

json::array Cells(const StoredKind& kind, const json::object& o, TimePoint now) {
  json::value name(MetaString(o, "name"));
  if (kind.kind == "Namespace") {
    const json::value* status = o.if_contains("status");
    const json::value* phase = status && status->is_object() ? status->as_object().if_contains("phase") : nullptr;
    return {name, phase ? *phase : json::value(""), Age(o, now)};
  }
  if (kind.kind == "ConfigMap") {
    size_t n = 0;
    for (const char* section : {"data", "binaryData"}) {
      if (const json::value* d = o.if_contains(section); d && d->is_object()) n += d->as_object().size();
    }
    return {name, n, Age(o, now)};
  }
  if (kind.kind == "Role" || kind.kind == "ClusterRole") return {name, MetaString(o, "creationTimestamp")};
  const json::value* ref = o.if_contains("roleRef");
  std::string role;
  if (ref && ref->is_object()) {
    const auto& r = ref->as_object();
    auto str = [&](const char* k) { return r.contains(k) && r.at(k).is_string() ? std::string(r.at(k).as_string()) : std::string(); };
    role = str("kind") + "/" + str("name");
  }
  auto [users, groups, accounts] = Subjects(o);
  return {name, role, Age(o, now), users, groups, accounts};
}

json::value RowObject(const json::object& o, std::string_view include_object) {
  if (include_object == "None") return nullptr;
  if (include_object == "Object") return o;
  const json::value* meta = o.if_contains("metadata");
  return json::object{{"kind", "PartialObjectMetadata"},
                      {"apiVersion", "meta.k8s.io/v1"},
                      {"metadata", meta ? *meta : json::value(json::object())}};
}

}  // namespace

bool WantsTable(const std::string* accept) { return accept && accept->find("as=Table") != std::string::npos; }

json::object TableOf(const StoredKind& kind, const std::vector<const json::object*>& items, const std::string& revision,
                     TimePoint now, std::string_view include_object) {
  json::array rows;
  for (const auto* o : items) rows.push_back(json::object{{"cells", Cells(kind, *o, now)}, {"object", RowObject(*o, include_object)}});
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", json::object{{"resourceVersion", revision}}},
          {"columnDefinitions", Columns(kind)},
          {"rows", std::move(rows)}};
}

std::string HumanAge(std::chrono::seconds d) {
  long long s = d.count();
  if (s < -1) return "<invalid>";
  if (s < 0) return "0s";
  auto join = [](long long a, const char* ua, long long b, const char* ub) {
    return std::to_string(a) + ua + (b == 0 ? "" : std::to_string(b) + ub);
  };
  long long m = s / 60, h = s / 3600, days = s / 86400, years = days / 365;
  if (s < 120) return std::to_string(s) + "s";
  if (m < 10) return join(m, "m", s % 60, "s");
  if (h < 3) return std::to_string(m) + "m";
  if (h < 8) return join(h, "h", m % 60, "m");
  if (h < 48) return std::to_string(h) + "h";
  if (days < 8) return join(days, "d", h % 24, "h");
  if (days < 365 * 2) return std::to_string(days) + "d";
  if (years < 8) return join(years, "y", days % 365, "d");
  return std::to_string(years) + "y";
}

}  // namespace kubeiam::kubeapi
