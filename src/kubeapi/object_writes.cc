// create, update and patch of the stored kinds: decode, default, validate, then write guarded by
// the revision the change was computed from (spec/kube-api.md §3).
#include <boost/json/serialize.hpp>

#include "kubeapi/api_errors.h"
#include "kubeapi/aws_auth_admission.h"
#include "kubeapi/escalation_admission.h"
#include "kubeapi/json_patch.h"
#include "kubeapi/managed_fields.h"
#include "kubeapi/object_body.h"
#include "kubeapi/object_meta.h"
#include "kubeapi/object_validation.h"
#include "kubeapi/object_verbs.h"
#include "kubeapi/strategic_merge.h"
#include "util/strings.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

constexpr int kAttempts = 16;  // re-runs of a change that keeps losing to other writers

const StoredKind& NamespaceKind() { return *FindStoredKind("", "namespaces"); }

// A create in `ns` needs the namespace, and one that is not being deleted.
std::optional<http::HttpResponse> CheckNamespaceOpen(const VerbContext& c, const std::string& name) {
  if (!c.kind.namespaced) return std::nullopt;
  auto ns = c.registry.Get(NamespaceKind(), "", c.ns());
  if (!ns) return StoreFailure(ns.error());
  if (!*ns) return NotFound(NamespaceKind(), c.ns());
  if (MetaString((*ns)->object, "deletionTimestamp").empty()) return std::nullopt;
  std::string why = "namespace " + c.ns() + " is being terminated";
  return Forbidden(c.kind, name, "unable to create new content in namespace " + c.ns() + " because it is being terminated",
                   json::array{json::object{{"reason", "NamespaceTerminating"}, {"message", why}, {"field", "metadata.namespace"}}});
}

// Escalation prevention for the RBAC kinds (trusted callers pass no caller).
std::optional<http::HttpResponse> Admit(const VerbContext& c, const json::object& o, const json::object* old) {
  if (c.snap) {
    if (auto refused = CheckAwsAuth(c.kind, c.ns(), MetaString(o, "name"), &o, *c.snap)) return refused;
  }
  if (!c.caller || !c.rbac) return std::nullopt;
  return CheckEscalation(c.kind, o, old, c.ns(), *c.caller, *c.rbac);
}

// The URL names the object: a body naming another is refused (E15).
std::optional<http::HttpResponse> CheckSameObject(const VerbContext& c, const json::object& o) {
  std::string name = MetaString(o, "name");
  if (name != c.name()) {
    return BadRequest("the name of the object (" + name + ") does not match the name on the URL (" + c.name() + ")");
  }
  std::string ns = MetaString(o, "namespace");
  if (c.kind.namespaced && !ns.empty() && ns != c.ns()) {
    return BadRequest("the namespace of the object (" + ns + ") does not match the namespace on the request (" + c.ns() + ")");
  }
  return std::nullopt;
}

// Equal but for resourceVersion: a write that changes nothing is no write at all.
bool SameContent(json::object a, json::object b) {
  Metadata(a).erase("resourceVersion");
  Metadata(b).erase("resourceVersion");
  return a == b;
}

json::object WithRevision(json::object o, int64_t revision) {
  Metadata(o)["resourceVersion"] = std::to_string(revision);
  return o;
}

// The name a create gets: its own, or one from generateName (its prefix validated first).
Step<std::string> NameForCreate(const VerbContext& c, json::object& o) {
  std::string name = MetaString(o, "name"), prefix = MetaString(o, "generateName");
  if (!name.empty() || prefix.empty()) return name;
  if (auto errors = ValidateName(c.kind, prefix, true); !errors.empty()) {
    for (auto& e : errors) e.field = "metadata.generateName";
    return std::unexpected(Invalid(c.kind, "", errors));
  }
  name = GenerateName(prefix);
  Metadata(o)["name"] = name;
  return name;
}

http::HttpResponse CreateOnce(const VerbContext& c, json::object o, const std::vector<std::string>& warnings, bool dry) {
  auto name = NameForCreate(c, o);
  if (!name) return name.error();
  if (auto closed = CheckNamespaceOpen(c, *name)) return *closed;
  if (auto prepared = PrepareCreate(o, c.kind, c.ns(), c.now); !prepared) return StatusResponse(500, "", prepared.error().message);
  ApplyDefaults(o, c.kind);
  if (auto refused = Admit(c, o, nullptr)) return *refused;
  if (auto errors = ValidateObject(c.kind, o, nullptr); !errors.empty()) return Invalid(c.kind, *name, errors);
  RecordManagedFields(o, nullptr, c.field_manager, c.now);
  if (dry) return ObjectAnswer(201, o, warnings);
  auto written = c.registry.Write({{&c.kind, c.ns(), *name, o, 0}});
  if (!written) return StoreFailure(written.error());
  if (!*written) return AlreadyExists(c.kind, *name);
  return ObjectAnswer(201, WithRevision(std::move(o), **written), warnings);
}

// Writes `next` (computed from `current`): 200, or nullopt when another writer came first.
std::optional<http::HttpResponse> WriteUpdate(const VerbContext& c, json::object next, const StoredObject& current,
                                              const std::vector<std::string>& warnings, bool dry) {
  CarryOver(next, current.object, c.kind, c.info.subresource);
  ApplyDefaults(next, c.kind);
  if (auto refused = Admit(c, next, &current.object)) return *refused;
  if (auto errors = ValidateObject(c.kind, next, &current.object); !errors.empty()) return Invalid(c.kind, c.name(), errors);
  if (SameContent(next, current.object)) return ObjectAnswer(200, current.object, warnings);
  RecordManagedFields(next, &current.object, c.field_manager, c.now);
  if (dry) return ObjectAnswer(200, WithRevision(next, current.revision), warnings);
  auto written = c.registry.Write({{&c.kind, c.ns(), c.name(), next, current.revision}});
  if (!written) return StoreFailure(written.error());
  if (!*written) return std::nullopt;
  return ObjectAnswer(200, WithRevision(std::move(next), **written), warnings);
}

// The resourceVersion a body or patch asks to be current, if any.
std::string Precondition(const json::object& o) { return MetaString(o, "resourceVersion"); }

Step<json::object> ApplyPatch(const std::string& type, const json::value& patch, const StoredObject& current,
                              const StoredKind& kind) {
  json::value doc = current.object;
  if (type == "application/merge-patch+json") return std::move(MergePatch(std::move(doc), patch).as_object());
  if (type == "application/strategic-merge-patch+json") {
    auto merged = StrategicMerge(std::move(doc), patch, kind);
    if (!merged) return std::unexpected(StatusResponse(merged.error().code == ErrorCode::kInvalidArgument ? 400 : 422,
                                                       merged.error().code == ErrorCode::kInvalidArgument ? "BadRequest" : "Invalid",
                                                       merged.error().message));
    return std::move(merged->as_object());
  }
  auto patched = JsonPatch(std::move(doc), patch);
  if (!patched && patched.error().code == ErrorCode::kInvalidArgument) return std::unexpected(BadRequest(patched.error().message));
  if (!patched || !patched->is_object()) {
    return std::unexpected(StatusResponse(422, "Invalid", "the server rejected our request due to an error in our request"));
  }
  return std::move(patched->as_object());
}

// The patch's media type: merge, JSON or strategic merge; server-side apply is refused.
Step<std::string> PatchType(const http::HttpRequest& request) {
  std::string type = ToLower(request.Header("Content-Type") ? *request.Header("Content-Type") : "");
  type = std::string(Trim(type.substr(0, type.find(';'))));
  if (type == "application/merge-patch+json" || type == "application/json-patch+json" ||
      type == "application/strategic-merge-patch+json") {
    return type;
  }
  if (type == "application/apply-patch+yaml") {
    return std::unexpected(StatusResponse(415, "UnsupportedMediaType",
                                          "server-side apply is not supported by kubeiam's API front: use client-side "
                                          "apply (kubectl apply without --server-side)"));
  }
  return std::unexpected(StatusResponse(415, "UnsupportedMediaType",
                                        "the body of the request was in an unknown format - accepted media types include: "
                                        "application/json-patch+json, application/merge-patch+json, "
                                        "application/strategic-merge-patch+json"));
}

}  // namespace

http::HttpResponse CreateStored(const VerbContext& c) {
  auto dry = DryRun(c.info, "CreateOptions");
  if (!dry) return dry.error();
  auto body = DecodeObjectBody(c.request, c.info, c.kind);
  if (!body) return body.error();
  std::string ns = MetaString(body->object, "namespace");
  if (c.kind.namespaced && !ns.empty() && ns != c.ns()) {
    return BadRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  bool generated = MetaString(body->object, "name").empty();
  http::HttpResponse r;
  // A generated name that is taken is generated again, as the API server retries.
  for (int attempt = 0; attempt < (generated ? 8 : 1); ++attempt) {
    r = CreateOnce(c, body->object, body->warnings, *dry);
    if (r.status != 409) break;
  }
  return r;
}

http::HttpResponse UpdateStored(const VerbContext& c) {
  auto dry = DryRun(c.info, "UpdateOptions");
  if (!dry) return dry.error();
  auto body = DecodeObjectBody(c.request, c.info, c.kind);
  if (!body) return body.error();
  if (auto other = CheckSameObject(c, body->object)) return *other;
  std::string wanted = Precondition(body->object);
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto current = c.registry.Get(c.kind, c.ns(), c.name());
    if (!current) return StoreFailure(current.error());
    // An update of a missing RBAC object creates it, as the API server allows for those kinds.
    if (!*current && c.kind.group == kRbacGroup) return CreateStored(c);
    if (!*current) return NotFound(c.kind, c.name());
    if (!wanted.empty() && wanted != std::to_string((*current)->revision)) return Conflict(c.kind, c.name(), kStaleObject);
    if (auto done = WriteUpdate(c, body->object, **current, body->warnings, *dry)) return *done;
    if (!wanted.empty()) return Conflict(c.kind, c.name(), kStaleObject);
  }
  return Conflict(c.kind, c.name(), kStaleObject);
}

http::HttpResponse PatchStored(const VerbContext& c) {
  auto dry = DryRun(c.info, "PatchOptions");
  if (!dry) return dry.error();
  auto type = PatchType(c.request);
  if (!type) return type.error();
  auto validation = FieldValidationOf(c.info);
  if (!validation) return validation.error();
  auto patch = ParseDocument(c.request.body, false);
  if (!patch) return BadRequest(patch.error().message);
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto current = c.registry.Get(c.kind, c.ns(), c.name());
    if (!current) return StoreFailure(current.error());
    if (!*current) return NotFound(c.kind, c.name());
    auto patched = ApplyPatch(*type, *patch, **current, c.kind);
    if (!patched) return patched.error();
    std::string wanted = Precondition(*patched);
    if (wanted != std::to_string((*current)->revision)) {
      if (!wanted.empty()) return Conflict(c.kind, c.name(), kStaleObject);
    }
    auto decoded = DecodePatched(std::move(*patched), *validation, c.kind);
    if (!decoded) return decoded.error();
    if (auto other = CheckSameObject(c, decoded->object)) return *other;
    if (auto done = WriteUpdate(c, decoded->object, **current, decoded->warnings, *dry)) return *done;
  }
  return Conflict(c.kind, c.name(), kStaleObject);
}

}  // namespace kubeiam::kubeapi
