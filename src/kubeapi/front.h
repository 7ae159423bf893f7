// The Kubernetes API front (`kubeAPI:` in the config): kubectl talks to kubeiam directly.
//
// Every request runs one pipeline against one snapshot (kubeapi/front_steps.h): bearer tokens
// go through the same verifier and mapping as /authenticate (401 without a good one);
// impersonation headers are checked with the impersonate verb and drop the caller's access
// policies; the request is authorized by the chain (system:masters, RBAC, access policies) with
// the API server's 403 message. Then it is dispatched: reviews are answered here
// (kubeapi/reviews.h), health and discovery too (kubeapi/discovery.h); other allowed requests
// go to the upstream API server when there is one; else Namespaces, ConfigMaps and the RBAC kinds
// are served read/write from the store (kubeapi/object_api.h) and everything else read-only
// from the objects folder (kubeapi/object_serving.h). An upstream that decides for itself
// gets every authenticated request, reviews included.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "http/http_server.h"
#include "http/upstream.h"
#include "kubeapi/audit_log.h"
#include "kubeapi/auth_source.h"
#include "kubeapi/caller.h"
#include "kubeapi/object_api.h"
#include "kubeapi/object_registry.h"
#include "kubeapi/object_versions.h"

namespace kubeiam::kubeapi {

struct FrontOptions {
  std::string objects_dir;                   // manifests to serve read-only (watched); empty for none
  std::shared_ptr<const http::Upstream> upstream;  // where allowed requests go instead; null for none
  // kubeAPI.upstream.authorization: upstream. kubeiam authenticates and checks impersonation;
  // the rest is the upstream's to decide.
  bool upstream_decides = false;
  // Without an upstream: the Namespaces, ConfigMaps and RBAC objects kept in the store, served
  // read/write (null: only the objects folder, read-only).
  std::shared_ptr<ObjectRegistry> objects;
  // Hears every request but health checks: its Kubernetes verb (the HTTP method, lower case, when
  // it was refused before its path was read), status (0: relayed upstream) and latency.
  std::function<void(const std::string& verb, int status, std::chrono::steady_clock::duration)> on_request;
  // kubeAPI.audit: the Kubernetes audit log (null: none).
  std::shared_ptr<AuditLog> audit;
};

class Front {
 public:
  // `auth` must outlive the front.
  Front(AuthSource* auth, FrontOptions options);
  http::HttpResponse Handle(const http::HttpRequest& request);
  // The server's reloader calls this four times a second (see ObjectVersions::Refresh).
  void Refresh() { objects_.Refresh(); }

 private:
  struct RequestRecord {
    std::optional<Caller> authenticated;  // who the token says, whatever is impersonated
    std::optional<Caller> who;            // who is authorized: set once impersonation (if asked) was allowed
    std::optional<RequestInfo> info;      // once the path was read
    std::string verb;
    bool health_check = false;
  };
  void Audit(const http::HttpRequest& request, const RequestRecord& record, const http::HttpResponse& response,
             std::chrono::system_clock::time_point received) const;
  http::HttpResponse Pipeline(const http::HttpRequest& request, RequestRecord& record);

  AuthSource* auth_;
  FrontOptions options_;
  ObjectVersions objects_;
  std::optional<ObjectApi> object_api_;
};

}  // namespace kubeiam::kubeapi
