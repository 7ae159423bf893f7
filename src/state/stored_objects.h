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

// Where the stored objects stood when last looked at: the store's revision and how many there
// were. Every change after it shows: a put gives some key a newer mod revision, and deletes
// alone lower the count.
struct ObjectsMark {
  int64_t revision = 0;
  int64_t count = -1;  // -1: never looked
};

// The objects' mark now when any changed since `last` (one keys-only read), else nullopt.
Result<std::optional<ObjectsMark>> ObjectsChangedSince(const StoredObjects& source, const ObjectsMark& last);

struct StoredRbac {
  rbac::Objects objects;
  int64_t revision = 0;  // the store's revision they were read at
};
Result<StoredRbac> LoadStoredRbac(const StoredObjects& source);

// kube-system/aws-auth as JSON text (a manifest the aws-auth parser reads), or nullopt.
Result<std::optional<std::string>> LoadStoredAwsAuth(const StoredObjects& source);

}  // namespace kubeiam::state
