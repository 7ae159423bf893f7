// RBAC escalation prevention on writes of the RBAC kinds, as the API server does it (spec/
// kube-api.md §7): a user may only create or change a role granting what it holds itself (or
// with `escalate`), and only bind a role whose permissions it holds (or with `bind`);
// system:masters may do anything. Runs on create, update and patch, dry runs included, before
// validation. Updates that change only finalizers or owner references pass.
#pragma once

#include <boost/json/object.hpp>
#include <optional>

#include "http/http_server.h"
#include "kubeapi/caller.h"
#include "kubeapi/stored_kinds.h"
#include "rbac/authorizer.h"

namespace kubeiam::kubeapi {

// The 403 (or the 404 of a binding's missing role) that refuses the write; nullopt to go on.
// `ns`: the object's namespace ("" for cluster-scoped kinds); `old`: the stored object on update.
std::optional<http::HttpResponse> CheckEscalation(const StoredKind& kind, const boost::json::object& object,
                                                  const boost::json::object* old, const std::string& ns,
                                                  const Caller& caller, const rbac::Authorizer& rbac);

}  // namespace kubeiam::kubeapi
