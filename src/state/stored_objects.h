// The Kubernetes objects the API front keeps in the store, read as sources of decisions: the
// RBAC kinds (Kubernetes' default policy among them, seeded as objects) and kube-system/aws-auth.
// When the front serves them, these are what authorizes and maps, so `kubectl apply` of a role
// or `kubectl edit cm aws-auth` takes effect as on a cluster.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "rbac/loader.h"
#include "store/kv.h"
#include "util/error.h"

namespace kubeiam::state {

struct StoredObjects {
  std::shared_ptr<store::KvStore> kv;
  std::string cluster;
};

// The store's current revision.
Result<int64_t> StoreRevision(const StoredObjects& source);

// Whether any object changed after `revision` (0: always). kGone counts as a change.
Result<bool> ObjectsChangedSince(const StoredObjects& source, int64_t revision);

struct StoredRbac {
  rbac::Objects objects;
  int64_t revision = 0;  // the store's revision they were read at
};
Result<StoredRbac> LoadStoredRbac(const StoredObjects& source);

// kube-system/aws-auth as JSON text (a manifest the aws-auth parser reads), or nullopt.
Result<std::optional<std::string>> LoadStoredAwsAuth(const StoredObjects& source);

}  // namespace kubeiam::state
