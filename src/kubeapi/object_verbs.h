// The verbs of the stored kinds, one function each (object_api.h routes to them): what the API
// server answers for get, list, watch, create, update, patch, delete and deletecollection of
// Namespaces, ConfigMaps and the RBAC kinds (spec/kube-api.md §1–§6).
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "http/http_server.h"
#include "kubeapi/caller.h"
#include "kubeapi/object_registry.h"
#include "kubeapi/request_info.h"
#include "kubeapi/responses.h"
#include "rbac/authorizer.h"
#include "state/snapshot.h"
#include "util/time.h"

namespace kubeiam::kubeapi {

// What a verb works with: the store, the request as the API server reads it, the kind, and the
// time it is served at.
struct VerbContext {
  ObjectRegistry& registry;
  const http::HttpRequest& request;
  const RequestInfo& info;
  const StoredKind& kind;
  TimePoint now;
  // Who asks, and the RBAC policy of the request's snapshot: for escalation checks on RBAC
  // writes (null: trusted callers, which are not checked).
  const Caller* caller = nullptr;
  const rbac::Authorizer* rbac = nullptr;
  // The request's snapshot: how many administrators exist outside aws-auth (null: not checked).
  const state::Snapshot* snap = nullptr;
  // Who writes, for metadata.managedFields (?fieldManager, else the User-Agent's product).
  std::string field_manager;

  // The request's namespace for namespaced kinds ("" for cluster-scoped ones).
  std::string ns() const { return kind.namespaced ? info.namespace_ : ""; }
  // The object's name in the URL (for namespaces, the namespace itself).
  const std::string& name() const { return info.name; }
};

http::HttpResponse GetStored(const VerbContext& c);
http::HttpResponse ListStored(const VerbContext& c);
http::HttpResponse WatchStored(const VerbContext& c);
http::HttpResponse CreateStored(const VerbContext& c);
http::HttpResponse UpdateStored(const VerbContext& c);
http::HttpResponse PatchStored(const VerbContext& c);
http::HttpResponse DeleteStored(const VerbContext& c);
http::HttpResponse DeleteStoredCollection(const VerbContext& c);

// Shared by the verbs.
http::HttpResponse ObjectAnswer(int status, const boost::json::object& object, const std::vector<std::string>& warnings = {});
// ?dryRun: absent (false), All (true), anything else a 422.
Step<bool> DryRun(const RequestInfo& info, const char* options_kind);
// The store failed: 503 naming it, or 500 for a value it cannot read.
http::HttpResponse StoreFailure(const Error& e);

}  // namespace kubeiam::kubeapi
