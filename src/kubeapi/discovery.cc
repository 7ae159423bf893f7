#include "kubeapi/discovery.h"

#include <boost/json/serialize.hpp>
#include <map>

#include "kubeapi/openapi.h"
#include "kubeapi/responses.h"
#include "kubeapi/stored_kinds.h"
#include "rbac/resources.h"
#include "util/strings.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

// What a resource answers: reviews are created; the stored kinds take every verb when the front
// keeps them; the folder's are read-only.
json::array Verbs(const rbac::ResourceType& r, bool writable) {
  if (r.resource.ends_with("reviews")) return {"create"};
  if (writable && FindStoredKind(r.group, r.resource)) {
    return {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};
  }
  return {"get", "list", "watch"};
}

// The groups and versions with a resource served.
std::map<std::string, std::string> GroupVersions(const DiscoveryScope& scope) {
  std::map<std::string, std::string> out;
  for (const auto& r : rbac::StandardResources()) {
    if (scope.Serves(r) && !r.group.empty()) out[r.group] = r.version;
  }
  return out;
}

// Aggregated discovery (apidiscovery.k8s.io/v2): every group's resources in one document, so
// kubectl needs one request for /api and one for /apis instead of one per group version.
constexpr const char* kAggregatedDiscoveryType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

bool WantsAggregatedDiscovery(const std::string* accept) {
  if (!accept) return false;
  for (auto media : Split(*accept, ',')) {
    std::string m;
    for (char c : media) {
      if (c != ' ') m += c;
    }
    if (m.find("g=apidiscovery.k8s.io") != std::string::npos && m.find("v=v2;") != std::string::npos &&
        m.find("as=APIGroupDiscoveryList") != std::string::npos) {
      return true;
    }
  }
  return false;
}

json::value AggregatedDiscovery(bool core, const DiscoveryScope& scope) {
  std::map<std::string, json::array> groups;  // group -> resources of its served version
  std::map<std::string, std::string> versions;
  for (const auto& r : rbac::StandardResources()) {
    if (!scope.Serves(r) || r.group.empty() != core) continue;
    json::object x{{"resource", r.resource},
                   {"responseKind", json::object{{"group", r.group}, {"version", r.version}, {"kind", r.kind}}},
                   {"scope", r.namespaced ? "Namespaced" : "Cluster"},
                   {"singularResource", r.singular},
                   {"verbs", Verbs(r, scope.writable)}};
    if (!r.short_names.empty()) x["shortNames"] = JsonStrings(r.short_names);
    groups[r.group].push_back(std::move(x));
    versions[r.group] = r.version;
  }
  json::array items;
  for (auto& [group, resources] : groups) {
    items.push_back(json::object{
        {"metadata", json::object{{"name", group}, {"creationTimestamp", nullptr}}},
        {"versions", json::array{json::object{
                         {"version", versions[group]}, {"resources", std::move(resources)}, {"freshness", "Current"}}}}});
  }
  return json::object{{"kind", "APIGroupDiscoveryList"},
                      {"apiVersion", "apidiscovery.k8s.io/v2"},
                      {"metadata", json::object()},
                      {"items", std::move(items)}};
}

json::value Discovery(const RequestInfo& info, const std::string& host, const DiscoveryScope& scope) {
  if (info.path == "/version") {
    return json::object{{"major", "1"}, {"minor", "31"}, {"gitVersion", "v1.31.0+kubeiam"}, {"gitCommit", ""},
                        {"gitTreeState", "clean"}, {"buildDate", ""}, {"goVersion", ""}, {"compiler", ""},
                        {"platform", "linux/amd64"}};
  }
  if (info.path == "/api" || info.path == "/api/") {
    return json::object{{"kind", "APIVersions"},
                        {"versions", json::array{"v1"}},
                        {"serverAddressByClientCIDRs",
                         json::array{json::object{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", host}}}}};
  }
  if (info.path == "/apis" || info.path == "/apis/") {
    json::array groups;
    for (const auto& [g, v] : GroupVersions(scope)) {
      json::object gv{{"groupVersion", g + "/" + v}, {"version", v}};
      groups.push_back(json::object{{"name", g}, {"versions", json::array{gv}}, {"preferredVersion", gv}});
    }
    return json::object{{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", std::move(groups)}};
  }
  std::string group = info.api_prefix == "apis" ? info.api_group : "";
  std::string version = info.api_version;
  if (version.empty()) return nullptr;
  json::array resources;
  for (const auto& r : rbac::StandardResources()) {
    if (!scope.Serves(r) || r.group != group || r.version != version) continue;
    json::object x{{"name", r.resource},
                   {"singularName", r.singular},
                   {"namespaced", r.namespaced},
                   {"kind", r.kind},
                   {"verbs", Verbs(r, scope.writable)}};
    if (!r.short_names.empty()) x["shortNames"] = JsonStrings(r.short_names);
    resources.push_back(std::move(x));
  }
  if (resources.empty() && !(group.empty() && version == "v1")) return nullptr;  // /api always lists v1
  std::string gv = group.empty() ? version : group + "/" + version;
  return json::object{{"kind", "APIResourceList"}, {"apiVersion", "v1"}, {"groupVersion", gv}, {"resources", std::move(resources)}};
}

}  // namespace

bool DiscoveryScope::Serves(const rbac::ResourceType& r) const {
  if (!r.served) return false;
  if (r.resource.ends_with("reviews")) return true;
  if (writable && FindStoredKind(r.group, r.resource)) return true;
  return folder && folder->Holds(r.group, r.resource);
}

// Health and discovery documents.
http::HttpResponse ServeDiscovery(const http::HttpRequest& request, const RequestInfo& info, const DiscoveryScope& scope) {
  if (auto doc = ServeOpenApi(info.path)) return *doc;
  bool root = info.path == "/api" || info.path == "/api/" || info.path == "/apis" || info.path == "/apis/";
  if (root && WantsAggregatedDiscovery(request.Header("Accept"))) {
    return {200, kAggregatedDiscoveryType, json::serialize(AggregatedDiscovery(info.path == "/api" || info.path == "/api/", scope)), {}};
  }
  const std::string* host = request.Header("Host");
  json::value doc = Discovery(info, host ? *host : "", scope);
  if (doc.is_null()) return StatusResponse(404, "NotFound", "the server could not find the requested resource");
  return JsonResponse(200, doc);
}


}  // namespace kubeiam::kubeapi
