// Health and discovery documents of the Kubernetes front: /version, /api, /apis (also as
// aggregated discovery, apidiscovery.k8s.io/v2, when kubectl asks for it) and each group
// version's resource list, for the standard resources kubeiam serves (rbac/resources.h).
#pragma once

#include "http/http_server.h"
#include "kubeapi/object_folder.h"
#include "kubeapi/request_info.h"
#include "rbac/resources.h"

namespace kubeiam::kubeapi {

// What the front serves, so discovery lists exactly that: the review APIs always, the stored
// kinds when it keeps them (every verb), and the kinds the objects folder holds now (read-only).
struct DiscoveryScope {
  bool writable = false;
  const Objects* folder = nullptr;
  bool Serves(const rbac::ResourceType& r) const;
};

// Discovery and OpenAPI; 404 NotFound for any other non-resource path (health is health.h's).
http::HttpResponse ServeDiscovery(const http::HttpRequest& request, const RequestInfo& info, const DiscoveryScope& scope);

}  // namespace kubeiam::kubeapi
