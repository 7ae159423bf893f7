#include "kubeapi/openapi.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <map>

#include "kubeapi/object_schema.h"
#include "kubeapi/responses.h"
#include "kubeapi/stored_kinds.h"
#include "util/crypto.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

// "api/v1", "apis/rbac.authorization.k8s.io/v1".
std::string GroupVersionPath(const StoredKind& k) { return k.group.empty() ? "api/" + k.version : "apis/" + k.group + "/" + k.version; }

json::object Gvk(const StoredKind& k) { return {{"group", k.group}, {"version", k.version}, {"kind", k.kind}}; }

json::object Parameter(const char* name, const char* description) {
  return {{"name", name}, {"in", "query"}, {"description", description}, {"schema", json::object{{"type", "string"}}}, {"uniqueItems", true}};
}

json::object Operation(const StoredKind& k, const char* verb, bool writes) {
  json::array params;
  if (writes) {
    params.push_back(Parameter("dryRun", "When present, indicates that modifications should not be persisted. Valid value: All"));
    params.push_back(Parameter("fieldManager", "The name of the actor or entity making these changes."));
    params.push_back(Parameter("fieldValidation", "Ignore, Warn (the default) or Strict: what to do with unknown or duplicate fields."));
  }
  return {{"operationId", std::string(verb) + k.kind},
          {"parameters", std::move(params)},
          {"responses", json::object{{"200", json::object{{"description", "OK"}}}}},
          {"x-kubernetes-action", verb},
          {"x-kubernetes-group-version-kind", Gvk(k)}};
}

void AddPaths(json::object& paths, const StoredKind& k) {
  std::string base = "/" + GroupVersionPath(k);
  std::string collection = k.namespaced ? base + "/namespaces/{namespace}/" + k.resource : base + "/" + k.resource;
  paths[collection] = json::object{{"get", Operation(k, "list", false)}, {"post", Operation(k, "post", true)},
                                   {"delete", Operation(k, "deletecollection", false)}};
  paths[collection + "/{name}"] = json::object{{"get", Operation(k, "get", false)}, {"put", Operation(k, "put", true)},
                                               {"patch", Operation(k, "patch", true)}, {"delete", Operation(k, "delete", false)}};
  if (k.namespaced) paths[base + "/" + k.resource] = json::object{{"get", Operation(k, "list", false)}};
}

json::object SchemaJson(const Schema& s) {
  switch (s.type) {
    case Schema::Type::kObject: {
      json::object properties;
      for (const auto& [name, field] : s.fields) properties[name] = SchemaJson(*field);
      return {{"type", "object"}, {"properties", std::move(properties)}};
    }
    case Schema::Type::kMap: return {{"type", "object"}, {"additionalProperties", SchemaJson(*s.items)}};
    case Schema::Type::kArray: return {{"type", "array"}, {"items", SchemaJson(*s.items)}};
    case Schema::Type::kString: return {{"type", "string"}};
    case Schema::Type::kBoolean: return {{"type", "boolean"}};
    case Schema::Type::kInteger: return {{"type", "integer"}, {"format", "int64"}};
    case Schema::Type::kAny: return {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}};
  }
  return {};
}

// io.k8s.api.core.v1.ConfigMap, io.k8s.api.rbac.v1.Role.
std::string SchemaName(const StoredKind& k) {
  return std::string("io.k8s.api.") + (k.group.empty() ? "core" : "rbac") + "." + k.version + "." + k.kind;
}

json::object GroupVersionDocument(const std::string& gv) {
  json::object paths, schemas;
  for (const auto& k : StoredKinds()) {
    if (GroupVersionPath(k) != gv) continue;
    AddPaths(paths, k);
    json::object schema = SchemaJson(SchemaOf(k));
    schema["x-kubernetes-group-version-kind"] = json::array{Gvk(k)};
    schemas[SchemaName(k)] = std::move(schema);
  }
  return {{"openapi", "3.0.0"},
          {"info", json::object{{"title", "Kubernetes"}, {"version", "v1.31.0+kubeiam"}}},
          {"paths", std::move(paths)},
          {"components", json::object{{"schemas", std::move(schemas)}}}};
}

std::vector<std::string> GroupVersions() {
  std::vector<std::string> out;
  for (const auto& k : StoredKinds()) {
    if (std::find(out.begin(), out.end(), GroupVersionPath(k)) == out.end()) out.push_back(GroupVersionPath(k));
  }
  return out;
}

// The documents never change while the server runs; the hash names this build's content.
std::string DocumentHash(const std::string& gv) {
  static const std::map<std::string, std::string> hashes = [] {
    std::map<std::string, std::string> out;
    for (const auto& g : GroupVersions()) out[g] = Sha256Hex(json::serialize(GroupVersionDocument(g))).substr(0, 32);
    return out;
  }();
  auto it = hashes.find(gv);
  return it == hashes.end() ? "" : it->second;
}

}  // namespace

std::optional<http::HttpResponse> ServeOpenApi(const std::string& path) {
  if (path == "/openapi/v2") return http::HttpResponse{200, "application/com.github.proto-openapi.spec.v2@v1.0+protobuf", "", {}};
  if (path == "/openapi/v3" || path == "/openapi/v3/") {
    json::object paths;
    for (const auto& gv : GroupVersions()) {
      paths[gv] = json::object{{"serverRelativeURL", "/openapi/v3/" + gv + "?hash=" + DocumentHash(gv)}};
    }
    return JsonResponse(200, json::object{{"paths", std::move(paths)}});
  }
  if (!path.starts_with("/openapi/v3/")) return std::nullopt;
  std::string gv = path.substr(std::string("/openapi/v3/").size());
  auto known = GroupVersions();
  if (std::find(known.begin(), known.end(), gv) == known.end()) return std::nullopt;
  return JsonResponse(200, GroupVersionDocument(gv));
}

}  // namespace kubeiam::kubeapi
