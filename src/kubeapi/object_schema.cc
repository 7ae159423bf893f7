#include "kubeapi/object_schema.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;
using Ptr = std::shared_ptr<const Schema>;
using Fields = std::vector<std::pair<std::string, Ptr>>;

Ptr Make(Schema::Type type, std::string go_type, Fields fields = {}, Ptr items = nullptr) {
  auto s = std::make_shared<Schema>();
  s->type = type;
  s->go_type = std::move(go_type);
  s->fields = std::move(fields);
  s->items = std::move(items);
  return s;
}
Ptr String() { return Make(Schema::Type::kString, "string"); }
Ptr Boolean() { return Make(Schema::Type::kBoolean, "bool"); }
Ptr Integer() { return Make(Schema::Type::kInteger, "int64"); }
Ptr Any() { return Make(Schema::Type::kAny, "interface {}"); }
Ptr Object(std::string go_type, Fields fields) { return Make(Schema::Type::kObject, std::move(go_type), std::move(fields)); }
Ptr ArrayOf(Ptr items) { return Make(Schema::Type::kArray, "[]" + items->go_type, {}, items); }
Ptr MapOf(Ptr values) { return Make(Schema::Type::kMap, "map[string]" + values->go_type, {}, values); }
Ptr Strings() { return ArrayOf(String()); }
Ptr StringMap() { return MapOf(String()); }

Ptr ObjectMeta() {
  static const Ptr meta = Object(
      "v1.ObjectMeta",
      {{"name", String()},
       {"generateName", String()},
       {"namespace", String()},
       {"selfLink", String()},
       {"uid", String()},
       {"resourceVersion", String()},
       {"generation", Integer()},
       {"creationTimestamp", String()},
       {"deletionTimestamp", String()},
       {"deletionGracePeriodSeconds", Integer()},
       {"labels", StringMap()},
       {"annotations", StringMap()},
       {"ownerReferences", ArrayOf(Object("v1.OwnerReference", {{"apiVersion", String()},
                                                                {"kind", String()},
                                                                {"name", String()},
                                                                {"uid", String()},
                                                                {"controller", Boolean()},
                                                                {"blockOwnerDeletion", Boolean()}}))},
       {"finalizers", Strings()},
       {"managedFields", ArrayOf(Object("v1.ManagedFieldsEntry", {{"manager", String()},
                                                                  {"operation", String()},
                                                                  {"apiVersion", String()},
                                                                  {"time", String()},
                                                                  {"fieldsType", String()},
                                                                  {"fieldsV1", Any()},
                                                                  {"subresource", String()}}))}});
  return meta;
}

Fields Header(Fields rest) {
  Fields out = {{"apiVersion", String()}, {"kind", String()}, {"metadata", ObjectMeta()}};
  for (auto& f : rest) out.push_back(std::move(f));
  return out;
}

Ptr PolicyRule() {
  return Object("v1.PolicyRule", {{"verbs", Strings()},
                                  {"apiGroups", Strings()},
                                  {"resources", Strings()},
                                  {"resourceNames", Strings()},
                                  {"nonResourceURLs", Strings()}});
}

Ptr LabelSelector() {
  Ptr requirement = Object("v1.LabelSelectorRequirement", {{"key", String()}, {"operator", String()}, {"values", Strings()}});
  return Object("v1.LabelSelector", {{"matchLabels", StringMap()}, {"matchExpressions", ArrayOf(requirement)}});
}

Fields BindingFields() {
  Ptr subject = Object("v1.Subject", {{"kind", String()}, {"apiGroup", String()}, {"name", String()}, {"namespace", String()}});
  Ptr role_ref = Object("v1.RoleRef", {{"apiGroup", String()}, {"kind", String()}, {"name", String()}});
  return Header({{"subjects", ArrayOf(subject)}, {"roleRef", role_ref}});
}

Ptr Build(const std::string& kind) {
  if (kind == "Namespace") {
    Ptr condition = Object("v1.NamespaceCondition", {{"type", String()},
                                                     {"status", String()},
                                                     {"lastTransitionTime", String()},
                                                     {"reason", String()},
                                                     {"message", String()}});
    return Object("v1.Namespace", Header({{"spec", Object("v1.NamespaceSpec", {{"finalizers", Strings()}})},
                                          {"status", Object("v1.NamespaceStatus", {{"phase", String()},
                                                                                   {"conditions", ArrayOf(condition)}})}}));
  }
  if (kind == "ConfigMap") {
    return Object("v1.ConfigMap", Header({{"data", StringMap()}, {"binaryData", StringMap()}, {"immutable", Boolean()}}));
  }
  if (kind == "Role") return Object("v1.Role", Header({{"rules", ArrayOf(PolicyRule())}}));
  if (kind == "ClusterRole") {
    Ptr aggregation = Object("v1.AggregationRule", {{"clusterRoleSelectors", ArrayOf(LabelSelector())}});
    return Object("v1.ClusterRole", Header({{"rules", ArrayOf(PolicyRule())}, {"aggregationRule", aggregation}}));
  }
  return Object("v1." + kind, BindingFields());  // RoleBinding, ClusterRoleBinding
}

const char* JsonType(const json::value& v) {
  if (v.is_string()) return "string";
  if (v.is_bool()) return "bool";
  if (v.is_number()) return "number";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return "null";
}

bool Fits(const Schema& s, const json::value& v) {
  if (v.is_null()) return true;  // null is the zero value of every Go type
  switch (s.type) {
    case Schema::Type::kObject:
    case Schema::Type::kMap: return v.is_object();
    case Schema::Type::kArray: return v.is_array();
    case Schema::Type::kString: return v.is_string();
    case Schema::Type::kBoolean: return v.is_bool();
    case Schema::Type::kInteger: return v.is_int64() || v.is_uint64() || (v.is_double() && v.as_double() == double(int64_t(v.as_double())));
    case Schema::Type::kAny: return true;
  }
  return true;
}

// Walks one value: `path` as strict decoding names fields (metadata.labels, rules[0].verbs),
// `go_path` as type errors do (Role.rules.verbs).
void Walk(const Schema& s, json::value& v, const std::string& path, const std::string& go_path, DecodeReport& report) {
  if (!Fits(s, v)) {
    if (!report.type_error) {
      report.type_error = std::string("json: cannot unmarshal ") + JsonType(v) + " into Go struct field " + go_path +
                          " of type " + s.go_type;
    }
    return;
  }
  if (v.is_null()) return;
  if (s.type == Schema::Type::kObject) {
    auto& o = v.as_object();
    for (auto it = o.begin(); it != o.end();) {
      std::string name(it->key());
      std::string at = path.empty() ? name : path + "." + name;
      const Schema* f = s.Field(name);
      if (!f) {
        report.unknown_fields.push_back(at);
        it = o.erase(it);
        continue;
      }
      Walk(*f, it->value(), at, go_path + "." + name, report);
      ++it;
    }
  } else if (s.type == Schema::Type::kArray) {
    auto& a = v.as_array();
    for (size_t i = 0; i < a.size(); ++i) Walk(*s.items, a[i], path + "[" + std::to_string(i) + "]", go_path, report);
  } else if (s.type == Schema::Type::kMap) {
    for (auto& [k, x] : v.as_object()) Walk(*s.items, x, path + "[" + std::string(k) + "]", go_path, report);
  }
}

}  // namespace

const Schema* Schema::Field(std::string_view name) const {
  for (const auto& [n, s] : fields) {
    if (n == name) return s.get();
  }
  return nullptr;
}

const Schema& SchemaOf(const StoredKind& kind) {
  static const std::vector<std::pair<std::string, Ptr>> built = [] {
    std::vector<std::pair<std::string, Ptr>> out;
    for (const auto& k : StoredKinds()) out.emplace_back(k.kind, Build(k.kind));
    return out;
  }();
  for (const auto& [name, s] : built) {
    if (name == kind.kind) return *s;
  }
  return *built.front().second;
}

DecodeReport DecodeAgainstSchema(const StoredKind& kind, json::object& object) {
  DecodeReport report;
  json::value v = std::move(object);
  Walk(SchemaOf(kind), v, "", kind.kind, report);
  object = std::move(v.as_object());
  return report;
}

}  // namespace kubeiam::kubeapi
