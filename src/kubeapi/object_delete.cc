// delete and deletecollection of the stored kinds: preconditions, finalizers that keep an object
// until they are gone, the namespaces that may not be deleted, and a namespace's content deleted
// with it (spec/kube-api.md §1.2, §2.3, §6.4).
#include <boost/json/array.hpp>

#include "kubeapi/api_errors.h"
#include "kubeapi/aws_auth_admission.h"
#include "kubeapi/object_body.h"
#include "kubeapi/object_meta.h"
#include "kubeapi/object_selector.h"
#include "kubeapi/object_verbs.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

constexpr int kAttempts = 16;

struct Preconditions {
  std::string uid, resource_version;
};

// DeleteOptions from the body (kubectl sends {"propagationPolicy":"Background"}); the policy
// and grace period mean nothing here: these kinds are deleted at once.
Step<Preconditions> ReadDeleteOptions(const http::HttpRequest& request) {
  Preconditions out;
  if (request.body.empty()) return out;
  auto doc = ParseDocument(request.body, false);
  if (!doc || !doc->is_object()) return std::unexpected(BadRequest("the body of the request is not a DeleteOptions object"));
  const json::value* pre = doc->as_object().if_contains("preconditions");
  if (pre && pre->is_object()) {
    const auto& p = pre->as_object();
    if (const json::value* v = p.if_contains("uid"); v && v->is_string()) out.uid = std::string(v->as_string());
    if (const json::value* v = p.if_contains("resourceVersion"); v && v->is_string()) out.resource_version = std::string(v->as_string());
  }
  return out;
}

std::optional<http::HttpResponse> CheckPreconditions(const VerbContext& c, const Preconditions& p, const StoredObject& current) {
  std::string uid = MetaString(current.object, "uid"), rv = std::to_string(current.revision);
  if (!p.uid.empty() && p.uid != uid) {
    return Conflict(c.kind, c.name(), "Precondition failed: UID in precondition: " + p.uid + ", UID in object meta: " + uid);
  }
  if (!p.resource_version.empty() && p.resource_version != rv) {
    return Conflict(c.kind, c.name(),
                    "Precondition failed: ResourceVersion in precondition: " + p.resource_version + ", ResourceVersion in object meta: " + rv);
  }
  return std::nullopt;
}

http::HttpResponse Deleted(const StoredKind& kind, const json::object& object) {
  json::object details{{"name", MetaString(object, "name")}};
  if (!kind.group.empty()) details["group"] = kind.group;
  details["kind"] = kind.resource;
  details["uid"] = MetaString(object, "uid");
  return JsonResponse(200, json::object{{"kind", "Status"},
                                        {"apiVersion", "v1"},
                                        {"metadata", json::object()},
                                        {"status", "Success"},
                                        {"details", std::move(details)}});
}

bool HasFinalizers(const json::object& o) {
  const json::value* meta = o.if_contains("metadata");
  const json::value* f = meta && meta->is_object() ? meta->as_object().if_contains("finalizers") : nullptr;
  return f && f->is_array() && !f->as_array().empty();
}

// An object held by finalizers stays, marked for deletion; anything else goes. The object as it
// is after, or nullopt when another writer came first.
Result<std::optional<json::object>> RemoveOnce(const VerbContext& c, const StoredKind& kind, const std::string& ns,
                                               const StoredObject& current, bool dry) {
  json::object next = current.object;
  bool held = HasFinalizers(next);
  if (held && MetaString(next, "deletionTimestamp").empty()) {
    Metadata(next)["deletionTimestamp"] = FormatRfc3339(c.now);
    Metadata(next)["deletionGracePeriodSeconds"] = 0;
  }
  if (dry) return std::optional<json::object>(std::move(next));
  std::string name = MetaString(next, "name");
  std::optional<json::object> put = held ? std::optional<json::object>(next) : std::nullopt;
  auto written = c.registry.Write({{&kind, ns, name, put, current.revision}});
  if (!written) return std::unexpected(written.error());
  if (!*written) return std::optional<json::object>();
  if (held) Metadata(next)["resourceVersion"] = std::to_string(**written);
  return std::optional<json::object>(std::move(next));
}

// Every ConfigMap, Role and RoleBinding of a namespace; true when none is left.
Result<bool> EmptyNamespace(const VerbContext& c, const std::string& ns) {
  bool empty = true;
  for (const auto& kind : StoredKinds()) {
    if (!kind.namespaced) continue;
    auto listed = c.registry.List(kind, ns);
    if (!listed) return std::unexpected(listed.error());
    for (const auto& item : listed->items) {
      auto gone = RemoveOnce(c, kind, ns, item, false);
      if (!gone) return std::unexpected(gone.error());
      if (!*gone || HasFinalizers(**gone)) empty = false;
    }
  }
  return empty;
}

// A namespace: Terminating at once, its content deleted, then itself once nothing is left.
http::HttpResponse DeleteNamespace(const VerbContext& c, StoredObject current, bool dry) {
  json::object next = current.object;
  if (MetaString(next, "deletionTimestamp").empty()) Metadata(next)["deletionTimestamp"] = FormatRfc3339(c.now);
  next["status"] = json::object{{"phase", "Terminating"}};
  if (dry) return JsonResponse(200, next);
  auto written = c.registry.Write({{&c.kind, "", c.name(), next, current.revision}});
  if (!written) return StoreFailure(written.error());
  if (!*written) return Conflict(c.kind, c.name(), kStaleObject);
  Metadata(next)["resourceVersion"] = std::to_string(**written);
  auto empty = EmptyNamespace(c, c.name());
  if (!empty) return StoreFailure(empty.error());
  if (*empty) {
    if (auto removed = c.registry.Write({{&c.kind, "", c.name(), std::nullopt, **written}}); !removed) return StoreFailure(removed.error());
  }
  return JsonResponse(200, next);
}

bool Protected(const VerbContext& c) {
  return c.kind.kind == "Namespace" && (c.name() == "default" || c.name() == "kube-system" || c.name() == "kube-public");
}

}  // namespace

http::HttpResponse DeleteStored(const VerbContext& c) {
  auto dry = DryRun(c.info, "DeleteOptions");
  if (!dry) return dry.error();
  auto pre = ReadDeleteOptions(c.request);
  if (!pre) return pre.error();
  if (Protected(c)) return Forbidden(c.kind, c.name(), "this namespace may not be deleted");
  if (c.snap) {
    // Deleting aws-auth is leaving it empty: refused when that locks everyone out.
    if (auto refused = CheckAwsAuth(c.kind, c.ns(), c.name(), nullptr, *c.snap)) return *refused;
  }
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto current = c.registry.Get(c.kind, c.ns(), c.name());
    if (!current) return StoreFailure(current.error());
    if (!*current) return NotFound(c.kind, c.name());
    if (auto failed = CheckPreconditions(c, *pre, **current)) return *failed;
    if (c.kind.kind == "Namespace") return DeleteNamespace(c, std::move(**current), *dry);
    auto after = RemoveOnce(c, c.kind, c.ns(), **current, *dry);
    if (!after) return StoreFailure(after.error());
    if (!*after) continue;
    return HasFinalizers(**after) ? JsonResponse(200, **after) : Deleted(c.kind, (*current)->object);
  }
  return Conflict(c.kind, c.name(), kStaleObject);
}

http::HttpResponse DeleteStoredCollection(const VerbContext& c) {
  if (c.kind.kind == "Namespace") return StatusResponse(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
  auto dry = DryRun(c.info, "DeleteOptions");
  if (!dry) return dry.error();
  auto selector = ObjectSelector::Parse(c.info.Value("labelSelector"), c.info.Value("fieldSelector"), c.kind.resource,
                                        c.kind.namespaced);
  if (!selector) return BadRequest(selector.error().message);
  auto listed = c.registry.List(c.kind, c.ns());
  if (!listed) return StoreFailure(listed.error());
  json::array items;
  for (const auto& item : listed->items) {
    if (!selector->Matches(item.object)) continue;
    auto gone = RemoveOnce(c, c.kind, MetaString(item.object, "namespace"), item, *dry);
    if (!gone) return StoreFailure(gone.error());
    if (*gone) items.push_back(std::move(**gone));
  }
  return JsonResponse(200, json::object{{"kind", c.kind.kind + "List"},
                                        {"apiVersion", c.kind.ApiVersion()},
                                        {"metadata", json::object{{"resourceVersion", std::to_string(listed->revision)}}},
                                        {"items", std::move(items)}});
}

}  // namespace kubeiam::kubeapi
