// The Kubernetes API front (`kubeAPI:` in the config): kubectl talks to kubeiam directly.
// Bearer tokens go through the same verifier and mapping as /authenticate (no or a bad token:
// 401 Unauthorized); impersonation headers are checked with the impersonate verb and drop the
// caller's access policies; every request is authorized by the chain (system:masters, RBAC,
// access policies) against one snapshot, with the API server's 403 message. It answers
// discovery, SelfSubjectReview, TokenReview, SelfSubjectAccessReview, SelfSubjectRulesReview
// (incomplete when access policies are in play), SubjectAccessReview and
// LocalSubjectAccessReview itself. Other allowed requests go to the upstream API server when
// there is one (every authenticated request, reviews included, when the upstream decides) (as the authenticated identity, through Impersonate-* headers, the client's own
// credentials and identity headers stripped; watches stream, upgrades tunnel); without one,
// get, list and watch read a read-only objects folder and writes answer 405.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <mutex>

#include "kubeapi/object_folder.h"
#include "server/authenticator.h"
#include "server/upstream.h"

namespace kubeiam::server {

class KubeApi {
 public:
  // `objects_dir`: manifests to serve read-only (watched); empty for none. `upstream`: where
  // allowed requests go instead (null for none).
  KubeApi(Authenticator* auth, std::string objects_dir, std::shared_ptr<const Upstream> upstream = nullptr);
  HttpResponse Handle(const HttpRequest& request);

  // The objects folder as last loaded; each load that changes it gets the next version (the
  // resourceVersion of objects, lists and the start of watches). Versions start from the
  // process's start time, so a version from before a restart is unknown, not misread.
  struct VersionedObjects {
    uint64_t version = 0;
    std::shared_ptr<const kubeapi::Objects> objects;
  };
  VersionedObjects CurrentObjects();
  // Loads the folder again if it changed (the server's reloader calls this four times a second);
  // a folder that cannot be read keeps the previous objects.
  void Refresh();
  // One of the last 16 versions, if still known.
  std::optional<VersionedObjects> ObjectsAt(uint64_t version);

 private:
  Authenticator* auth_;
  std::string objects_dir_;
  std::shared_ptr<const Upstream> upstream_;
  std::mutex objects_mu_;
  std::string objects_stamp_;
  VersionedObjects objects_;
  std::deque<VersionedObjects> history_;
};

}  // namespace kubeiam::server
