// What the API server itself sets on the objects it stores (spec/kube-api.md §3.1): uid and
// creationTimestamp on create, the same kept on every update, names from generateName, and the
// defaults each kind gets before validation (RBAC apiGroups; a Namespace's finalizers, phase and
// name label). Client values for server-owned fields are ignored, as the API server ignores them.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "kubeapi/stored_kinds.h"
#include "util/error.h"
#include "util/time.h"

namespace kubeiam::kubeapi {

// o.<key> as a string ("" when absent or not a string).
std::string StringField(const boost::json::object& o, std::string_view key);
// metadata.<field> as a string ("" when absent or not a string).
std::string MetaString(const boost::json::object& o, std::string_view field);
// The object's metadata, created empty if missing or not an object.
boost::json::object& Metadata(boost::json::object& o);

// A create: apiVersion and kind set, the namespace the URL's (none for cluster-scoped kinds), a
// new uid and creationTimestamp, deletion fields, generation and selfLink cleared. Errors
// (kInternal): a numeric resourceVersion other than 0, as the API server's storage refuses it.
Status PrepareCreate(boost::json::object& o, const StoredKind& kind, std::string_view ns, TimePoint now);

// An update: the fields the server owns (uid, creationTimestamp, deletion fields, a
// Namespace's spec.finalizers and status) carried over from `current`. Through a subresource
// (a Namespace's "status" or "finalize") only that part (status, spec.finalizers) comes from
// `next`; everything else stays as it is.
void CarryOver(boost::json::object& next, const boost::json::object& current, const StoredKind& kind,
               std::string_view subresource = "");

// Defaults applied before validation, on create and update.
void ApplyDefaults(boost::json::object& o, const StoredKind& kind);

// generateName: the prefix (cut to 58 characters) and 5 random characters from the API
// server's alphabet.
std::string GenerateName(std::string_view prefix);

}  // namespace kubeiam::kubeapi
