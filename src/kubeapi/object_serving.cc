#include "kubeapi/object_serving.h"

#include <boost/json/serialize.hpp>
#include <charconv>

#include "kubeapi/folder_table.h"
#include "kubeapi/object_selector.h"
#include "kubeapi/responses.h"
#include "rbac/resources.h"
#include "util/strings.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

// An object as served: its resourceVersion is the version of the folder it was read from.
json::object Versioned(const json::object& o, uint64_t version) {
  json::object out = o;
  if (auto* meta = out.if_contains("metadata"); meta && meta->is_object()) {
    meta->as_object()["resourceVersion"] = std::to_string(version);
  }
  return out;
}

// A list as kubectl's server-side printing wants it (Accept: ...;as=Table).
json::value Table(const std::string& group, const std::string& resource, const std::vector<const json::object*>& items,
                  uint64_t version) {
  return FolderTable(group.empty() ? resource : group + "/" + resource, items, std::to_string(version), Clock::now());
}

// A watch on the objects folder: the changes since the client's resourceVersion (every object
// as ADDED without one), then each change as the folder is edited, until timeoutSeconds.
class ObjectWatch : public http::ResponseStream {
 public:
  struct View {
    std::string group, resource, ns, name;
    bool table = false;
    ObjectSelector selector;
  };
  ObjectWatch(ObjectVersions* versions, View view, std::optional<VersionedObjects> from,
              std::chrono::steady_clock::time_point deadline)
      : versions_(versions), view_(std::move(view)), sent_(std::move(from)), deadline_(deadline) {}

  bool Poll(std::string& out) override {
    auto now = versions_->Current();
    if (!sent_ || now.version != sent_->version) {
      for (const auto& c : now.objects->ChangesSince(sent_ ? sent_->objects.get() : nullptr, view_.group, view_.resource,
                                                     view_.ns, view_.name)) {
        if (!view_.selector.Matches(*c.object)) continue;
        json::value object = view_.table ? Table(view_.group, view_.resource, {c.object}, now.version) : json::value(Versioned(*c.object, now.version));
        out += json::serialize(json::object{{"type", c.type}, {"object", std::move(object)}}) + "\n";
      }
      sent_ = now;
    }
    return std::chrono::steady_clock::now() < deadline_;
  }

 private:
  ObjectVersions* versions_;
  View view_;
  std::optional<VersionedObjects> sent_;
  std::chrono::steady_clock::time_point deadline_;
};

bool ClusterScoped(const std::string& group, const std::string& resource) {
  for (const auto& r : rbac::StandardResources()) {
    if (r.group == group && r.resource == resource) return !r.namespaced;
  }
  return false;
}

// A watch of the objects folder, from a version it still knows (410 Expired otherwise).
http::HttpResponse WatchObjects(ObjectVersions& versions, const http::HttpRequest& request, const RequestInfo& info,
                          ObjectWatch::View view) {
  if (const std::string* initial = info.First("sendInitialEvents"); initial && ToLower(*initial) == "true") {
    // As an API server without the WatchList feature: clients fall back to list, then watch.
    return StatusResponse(422, "Invalid", "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the "
                                  "WatchList feature gate is enabled");
  }
  if (request.method == "HEAD") return {200, "application/json", "", {}};
  std::optional<VersionedObjects> from;
  const std::string* rv = info.First("resourceVersion");
  if (rv && !rv->empty() && *rv != "0") {
    uint64_t version = 0;
    auto [end, ec] = std::from_chars(rv->data(), rv->data() + rv->size(), version);
    from = ec == std::errc() && end == rv->data() + rv->size() ? versions.At(version) : std::nullopt;
    if (!from) {
      // As the API server: a start it no longer knows is an ERROR event, and the client lists again.
      json::object gone{{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()}, {"status", "Failure"},
                        {"message", "too old resource version: " + *rv + " (" + std::to_string(versions.Current().version) + ")"},
                        {"reason", "Expired"}, {"code", 410}};
      return {200, "application/json", json::serialize(json::object{{"type", "ERROR"}, {"object", gone}}) + "\n", {}};
    }
  }
  int seconds = 1800;
  if (const std::string* t = info.First("timeoutSeconds")) {
    int asked = 0;
    auto [end, ec] = std::from_chars(t->data(), t->data() + t->size(), asked);
    if (ec == std::errc() && end == t->data() + t->size() && asked > 0) seconds = std::min(asked, 3600);
  }
  http::HttpResponse r{200, "application/json", "", {}};
  r.stream = std::make_shared<ObjectWatch>(&versions, std::move(view), from,
                                           std::chrono::steady_clock::now() + std::chrono::seconds(seconds));
  return r;
}

http::HttpResponse ListObjects(const VersionedObjects& objects, const RequestInfo& info, const std::string& ns,
                         const ObjectSelector& selector, bool table) {
  const std::string& group = info.api_group;
  const std::string& resource = info.resource;
  auto items = objects.objects->List(group, resource, ns);
  if (!info.name.empty()) {
    // fieldSelector=metadata.name=<x> was authorized for that name only: serve that name only.
    std::erase_if(items, [&](const json::object* o) { return o->at("metadata").at("name") != json::value(info.name); });
  }
  std::erase_if(items, [&](const json::object* o) { return !selector.Matches(*o); });
  if (table) return JsonResponse(200, Table(group, resource, items, objects.version));
  std::string kind = resource;
  for (const auto& r : rbac::StandardResources()) {
    if (r.group == group && r.resource == resource) kind = r.kind;
  }
  json::array list;
  for (const auto* o : items) list.push_back(Versioned(*o, objects.version));
  std::string gv = group.empty() ? info.api_version : group + "/" + info.api_version;
  return JsonResponse(200, json::object{{"kind", kind + "List"},
                                        {"apiVersion", gv},
                                        {"metadata", json::object{{"resourceVersion", std::to_string(objects.version)}}},
                                        {"items", std::move(list)}});
}

}  // namespace

// Everything else: the read-only objects (no subresources: they would be other objects).
http::HttpResponse ServeObjects(ObjectVersions& versions, const http::HttpRequest& request, const RequestInfo& info) {
  const std::string& group = info.api_group;
  const std::string& resource = info.resource;
  if (!info.subresource.empty() || !versions.Current().objects->Holds(group, resource)) {
    return StatusResponse(404, "NotFound", "the server could not find the requested resource");  // as for an unknown kind
  }
  if (info.verb != "get" && info.verb != "list" && info.verb != "watch") {
    return StatusResponse(405, "MethodNotAllowed",
                  "kubeiam's API front serves objects read-only (" + info.verb + " " + resource + " is not supported)");
  }
  // Cluster-scoped objects are stored without a namespace (GET /api/v1/namespaces/x names one).
  bool cluster_scoped = ClusterScoped(group, resource);
  std::string ns = cluster_scoped ? "" : info.namespace_;
  const std::string* accept = request.Header("Accept");
  bool table = accept && accept->find("as=Table") != std::string::npos;
  auto selector = info.verb == "get" ? Result<ObjectSelector>()
                                     : ObjectSelector::Parse(info.Value("labelSelector"),
                                                                      info.Value("fieldSelector"), resource, !cluster_scoped);
  if (!selector) return StatusResponse(400, "BadRequest", selector.error().message);
  if (info.verb == "watch") return WatchObjects(versions, request, info, {group, resource, ns, info.name, table, *selector});
  auto objects = versions.Current();
  if (info.verb == "list") return ListObjects(objects, info, ns, *selector, table);
  const json::object* o = objects.objects->Get(group, resource, ns, info.name);
  if (!o) {
    std::string kind_name = group.empty() ? resource : resource + "." + group;
    return StatusResponse(404, "NotFound", kind_name + " \"" + info.name + "\" not found",
                  json::object{{"name", info.name}, {"group", group}, {"kind", resource}});
  }
  return JsonResponse(200, Versioned(*o, objects.version));
}

}  // namespace kubeiam::kubeapi
