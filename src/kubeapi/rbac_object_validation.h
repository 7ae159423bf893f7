// Validation of the four RBAC kinds as the API server does it (spec/kube-api.md §6.5): every rule
// has verbs; a rule names resources or non-resource URLs, not both (and never URLs in a Role);
// roleRef and subjects name what they must; a binding's roleRef never changes.
#pragma once

#include <boost/json/object.hpp>

#include "kubeapi/api_errors.h"
#include "kubeapi/stored_kinds.h"

namespace kubeiam::kubeapi {

FieldErrors ValidateRbacObject(const StoredKind& kind, const boost::json::object& o, const boost::json::object* old);

}  // namespace kubeiam::kubeapi
