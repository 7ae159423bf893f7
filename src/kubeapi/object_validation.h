// The API server's validation of the stored kinds (spec/kube-api.md §6): names, labels and
// annotations, ConfigMap keys and size, Namespace finalizers, RBAC rules, role references and
// subjects, and what may not change on update (a binding's roleRef, an immutable ConfigMap).
// Each failure is a FieldError with the API server's field path and words; an empty result
// means valid. Runs after defaults (object_meta.h).
#pragma once

#include <boost/json/object.hpp>

#include "kubeapi/api_errors.h"
#include "kubeapi/stored_kinds.h"

namespace kubeiam::kubeapi {

// `old`: the stored object on update, null on create.
FieldErrors ValidateObject(const StoredKind& kind, const boost::json::object& o, const boost::json::object* old);

// The name rule of a kind, for a name or a generateName prefix (field metadata.name).
FieldErrors ValidateName(const StoredKind& kind, std::string_view name, bool prefix = false);

// A []string as Go prints it in a field error: []string{"a", "b"}.
std::string GoStrings(const boost::json::value* list);

}  // namespace kubeiam::kubeapi
