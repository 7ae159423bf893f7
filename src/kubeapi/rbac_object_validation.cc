#include "kubeapi/rbac_object_validation.h"

#include <boost/json/array.hpp>

#include "kubeapi/object_meta.h"
#include "kubeapi/object_validation.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

bool NonEmptyList(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_array() && !v->as_array().empty();
}

void ValidateRule(const json::object& r, const std::string& at, bool namespaced, FieldErrors& out) {
  if (!NonEmptyList(r, "verbs")) out.push_back(RequiredField(at + ".verbs", "verbs must contain at least one value"));
  bool urls = NonEmptyList(r, "nonResourceURLs");
  if (urls) {
    std::string shown = GoStrings(r.if_contains("nonResourceURLs"));
    if (namespaced) {
      out.push_back(InvalidField(at + ".nonResourceURLs", shown, "namespaced rules cannot apply to non-resource URLs"));
    } else if (NonEmptyList(r, "apiGroups") || NonEmptyList(r, "resources") || NonEmptyList(r, "resourceNames")) {
      out.push_back(InvalidField(at + ".nonResourceURLs", shown, "rules cannot apply to both regular resources and non-resource URLs"));
    }
    return;
  }
  if (!NonEmptyList(r, "apiGroups")) out.push_back(RequiredField(at + ".apiGroups", "resource rules must supply at least one api group"));
  if (!NonEmptyList(r, "resources")) out.push_back(RequiredField(at + ".resources", "resource rules must supply at least one resource"));
  const json::value* names = r.if_contains("resourceNames");
  const json::value* resources = r.if_contains("resources");
  if (names && names->is_array() && !names->as_array().empty() && resources && resources->is_array() &&
      resources->as_array().size() > 1) {
    out.push_back(RequiredField(at + ".resourceNames", "resource names cannot apply to multiple resources"));
  }
}

void ValidateRules(const StoredKind& kind, const json::object& o, FieldErrors& out) {
  const json::value* rules = o.if_contains("rules");
  if (!rules || !rules->is_array()) return;
  size_t i = 0;
  for (const auto& r : rules->as_array()) {
    std::string at = "rules[" + std::to_string(i++) + "]";
    if (r.is_object()) ValidateRule(r.as_object(), at, kind.namespaced, out);
  }
}

// Path-segment names (roleRef.name), as metadata.name of RBAC kinds.
void ValidateSegment(const std::string& field, const std::string& name, FieldErrors& out) {
  static const StoredKind& role = *FindStoredKind(kRbacGroup, "roles");
  for (auto e : ValidateName(role, name)) {
    e.field = field;
    out.push_back(std::move(e));
  }
}

void ValidateRoleRef(const StoredKind& kind, const json::object& o, FieldErrors& out) {
  const json::value* v = o.if_contains("roleRef");
  static const json::object kEmpty;
  const json::object& ref = v && v->is_object() ? v->as_object() : kEmpty;
  std::string group = StringField(ref, "apiGroup"), ref_kind = StringField(ref, "kind"), name = StringField(ref, "name");
  if (group != kRbacGroup) out.push_back(NotSupportedField("roleRef.apiGroup", GoQuote(group), {kRbacGroup}));
  bool cluster_binding = kind.kind == "ClusterRoleBinding";
  if (cluster_binding && ref_kind != "ClusterRole") {
    out.push_back(NotSupportedField("roleRef.kind", GoQuote(ref_kind), {"ClusterRole"}));
  } else if (!cluster_binding && ref_kind != "Role" && ref_kind != "ClusterRole") {
    out.push_back(NotSupportedField("roleRef.kind", GoQuote(ref_kind), {"Role", "ClusterRole"}));
  }
  if (name.empty()) {
    out.push_back(RequiredField("roleRef.name"));
  } else {
    ValidateSegment("roleRef.name", name, out);
  }
}

void ValidateSubject(const json::object& s, const std::string& at, bool cluster_binding, FieldErrors& out) {
  std::string kind = StringField(s, "kind"), group = StringField(s, "apiGroup"), name = StringField(s, "name");
  if (name.empty()) out.push_back(RequiredField(at + ".name"));
  if (kind == "ServiceAccount") {
    if (!name.empty() && !ValidateName(*FindStoredKind("", "configmaps"), name).empty()) {
      out.push_back(InvalidField(at + ".name", GoQuote(name), ValidateName(*FindStoredKind("", "configmaps"), name)[0].detail));
    }
    if (!group.empty()) out.push_back(NotSupportedField(at + ".apiGroup", GoQuote(group), {""}));
    if (cluster_binding && StringField(s, "namespace").empty()) out.push_back(RequiredField(at + ".namespace"));
  } else if (kind == "User" || kind == "Group") {
    if (group != kRbacGroup) out.push_back(NotSupportedField(at + ".apiGroup", GoQuote(group), {kRbacGroup}));
    if (name.empty()) out.push_back(InvalidField(at + ".name", "\"\"", kind == "User" ? "user name cannot be empty" : "group name cannot be empty"));
  } else {
    out.push_back(NotSupportedField(at + ".kind", GoQuote(kind), {"ServiceAccount", "User", "Group"}));
  }
}

// The Go literal the API server prints for a changed roleRef.
std::string RoleRefLiteral(const json::object& o) {
  const json::value* v = o.if_contains("roleRef");
  static const json::object kEmpty;
  const json::object& ref = v && v->is_object() ? v->as_object() : kEmpty;
  return "rbac.RoleRef{APIGroup:" + GoQuote(StringField(ref, "apiGroup")) + ", Kind:" + GoQuote(StringField(ref, "kind")) +
         ", Name:" + GoQuote(StringField(ref, "name")) + "}";
}

void ValidateBinding(const StoredKind& kind, const json::object& o, const json::object* old, FieldErrors& out) {
  ValidateRoleRef(kind, o, out);
  if (const json::value* subjects = o.if_contains("subjects"); subjects && subjects->is_array()) {
    size_t i = 0;
    for (const auto& s : subjects->as_array()) {
      std::string at = "subjects[" + std::to_string(i++) + "]";
      if (s.is_object()) ValidateSubject(s.as_object(), at, kind.kind == "ClusterRoleBinding", out);
    }
  }
  if (old && RoleRefLiteral(*old) != RoleRefLiteral(o)) {
    out.push_back(InvalidField("roleRef", RoleRefLiteral(o), "cannot change roleRef"));
  }
}

}  // namespace

FieldErrors ValidateRbacObject(const StoredKind& kind, const json::object& o, const json::object* old) {
  FieldErrors out;
  if (kind.kind == "Role" || kind.kind == "ClusterRole") {
    ValidateRules(kind, o, out);
  } else {
    ValidateBinding(kind, o, old, out);
  }
  return out;
}

}  // namespace kubeiam::kubeapi
