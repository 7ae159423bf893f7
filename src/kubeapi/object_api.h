// The read/write API of the stored kinds (Namespaces, ConfigMaps, the RBAC kinds) behind the
// Kubernetes front: it routes an authorized request to its verb (object_verbs.h) with the API
// server's semantics and messages. Requests for other resources are not its business.
#pragma once

#include <memory>
#include <optional>

#include "http/http_server.h"
#include "kubeapi/caller.h"
#include "kubeapi/object_registry.h"
#include "kubeapi/request_info.h"
#include "rbac/authorizer.h"
#include "state/snapshot.h"

namespace kubeiam::kubeapi {

class ObjectApi {
 public:
  explicit ObjectApi(std::shared_ptr<ObjectRegistry> registry) : registry_(std::move(registry)) {}

  // nullopt when the request is not for a stored kind. `caller` and `rbac` (the request's
  // snapshot) check RBAC writes for escalation, `snap` aws-auth writes for lock-outs; null for
  // trusted callers.
  std::optional<http::HttpResponse> Serve(const http::HttpRequest& request, const RequestInfo& info,
                                          const Caller* caller = nullptr, const rbac::Authorizer* rbac = nullptr,
                                          const state::Snapshot* snap = nullptr);
  ObjectRegistry& registry() { return *registry_; }

 private:
  std::shared_ptr<ObjectRegistry> registry_;
};

}  // namespace kubeiam::kubeapi
