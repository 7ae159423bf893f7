#include "kubeapi/object_api.h"

#include "kubeapi/default_objects.h"
#include "kubeapi/managed_fields.h"
#include "kubeapi/object_verbs.h"

namespace kubeiam::kubeapi {
namespace {

http::HttpResponse NotServed() {
  return StatusResponse(404, "NotFound", "the server could not find the requested resource");
}

http::HttpResponse MethodNotAllowed() {
  return StatusResponse(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
}

http::HttpResponse Route(const VerbContext& c) {
  const std::string& verb = c.info.verb;
  bool all_namespaces = c.kind.namespaced && c.info.namespace_.empty();
  if (verb == "get") return GetStored(c);
  if (verb == "list") return ListStored(c);
  if (verb == "watch") return WatchStored(c);
  // Writes name a namespace for namespaced kinds: the all-namespaces path is read-only.
  if (all_namespaces) return MethodNotAllowed();
  if (verb == "create") return c.name().empty() ? CreateStored(c) : MethodNotAllowed();
  if (verb == "update") return UpdateStored(c);
  if (verb == "patch") return PatchStored(c);
  if (verb == "delete") return DeleteStored(c);
  if (verb == "deletecollection") return DeleteStoredCollection(c);
  return MethodNotAllowed();
}

// The subresources the API server has for these kinds: a Namespace's status (get, update, patch)
// and finalize (update).
bool Served(const StoredKind& kind, const RequestInfo& info) {
  if (info.subresource.empty()) return true;
  if (kind.kind != "Namespace" || info.name.empty()) return false;
  if (info.subresource == "status") return info.verb == "get" || info.verb == "update" || info.verb == "patch";
  return info.subresource == "finalize" && info.verb == "update";
}

}  // namespace

std::optional<http::HttpResponse> ObjectApi::Serve(const http::HttpRequest& request, const RequestInfo& info,
                                                   const Caller* caller, const rbac::Authorizer* rbac,
                                                   const state::Snapshot* snap) {
  const StoredKind* kind = FindStoredKind(info.api_group, info.resource);
  if (!kind) return std::nullopt;
  if (info.api_version != kind->version) return NotServed();
  if (!Served(*kind, info)) {
    bool known = kind->kind == "Namespace" && (info.subresource == "status" || info.subresource == "finalize");
    return known ? MethodNotAllowed() : NotServed();
  }
  auto manager = FieldManagerOf(request, info);
  if (!manager) return StatusResponse(422, "Invalid", manager.error().message);
  http::HttpResponse r = Route({*registry_, request, info, *kind, Clock::now(), caller, rbac, snap, *manager});
  // As the controller manager's aggregation controller: a ClusterRole written changes the roles
  // that aggregate it.
  bool wrote = info.verb != "get" && info.verb != "list" && info.verb != "watch" && !info.First("dryRun");
  if (wrote && kind->kind == "ClusterRole" && r.status < 300) (void)AggregateStoredClusterRoles(*registry_);
  return r;
}

}  // namespace kubeiam::kubeapi
