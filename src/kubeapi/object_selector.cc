#include "kubeapi/object_selector.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

// A dotted path's value as the API server's field sets hold it: strings as they are, booleans
// as "true"/"false"; missing compares as "".
std::optional<std::string> FieldAt(const json::object& object, std::string_view path) {
  const json::object* at = &object;
  while (true) {
    size_t dot = path.find('.');
    const json::value* v = at->if_contains(path.substr(0, dot));
    if (!v) return std::nullopt;
    if (dot == std::string_view::npos) {
      if (v->is_string()) return std::string(v->as_string());
      if (v->is_bool()) return v->as_bool() ? "true" : "false";
      return std::nullopt;
    }
    if (!v->is_object()) return std::nullopt;
    at = &v->as_object();
    path.remove_prefix(dot + 1);
  }
}

// Fields the API server indexes beyond metadata.name and metadata.namespace, per resource.
std::vector<std::string> ExtraFields(std::string_view resource) {
  if (resource == "namespaces") return {"status.phase"};
  if (resource == "nodes") return {"spec.unschedulable"};
  if (resource == "pods") {
    return {"spec.nodeName",     "spec.restartPolicy", "spec.schedulerName",       "spec.serviceAccountName",
            "spec.hostNetwork", "status.phase",       "status.nominatedNodeName", "status.podIP"};
  }
  if (resource == "secrets") return {"type"};
  return {};
}

}  // namespace

Result<ObjectSelector> ObjectSelector::Parse(std::string_view labels, std::string_view fields, std::string_view resource,
                                             bool namespaced) {
  ObjectSelector out;
  auto l = LabelSelector::Parse(labels);
  if (!l) return std::unexpected(l.error());
  auto f = FieldSelector::Parse(fields);
  if (!f) return std::unexpected(f.error());
  std::vector<std::string> allowed = {"metadata.name"};
  if (namespaced) allowed.push_back("metadata.namespace");
  for (auto& extra : ExtraFields(resource)) allowed.push_back(std::move(extra));
  if (auto ok = f->CheckKeys(allowed); !ok) return std::unexpected(ok.error());
  out.labels_ = std::move(*l);
  out.fields_ = std::move(*f);
  out.resource_ = std::string(resource);
  return out;
}

bool ObjectSelector::Matches(const json::object& object) const {
  if (!labels_.Empty()) {
    static const json::object kNoLabels;
    const json::value* meta = object.if_contains("metadata");
    const json::value* l = meta && meta->is_object() ? meta->as_object().if_contains("labels") : nullptr;
    if (!labels_.Matches(l && l->is_object() ? l->as_object() : kNoLabels)) return false;
  }
  if (fields_.Empty()) return true;
  return fields_.Matches([&](std::string_view key) -> std::optional<std::string> {
    auto value = FieldAt(object, key);
    // A namespace without a status is active.
    if (!value && key == "status.phase" && resource_ == "namespaces") return "Active";
    return value;
  });
}

}  // namespace kubeiam::kubeapi
