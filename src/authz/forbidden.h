// The API server's words for a refusal (k8s.io/apiserver forbidden.go and NewForbidden), so
// every kubeiam front and command says it the same way, e.g.
//   nodes is forbidden: User "testuser" cannot list resource "nodes" in API group "" at the cluster scope
#pragma once

#include <string>

#include "rbac/objects.h"

namespace kubeiam::authz {

// "User "u" cannot list resource "nodes" in API group "" at the cluster scope" (or "in the
// namespace "x"", or for a URL "User "u" cannot get path "/metrics"").
std::string ForbiddenReason(const rbac::Attributes& a);

// The Status message: `<resource>[.<group>] ["<name>"] is forbidden: <reason>`, or for a URL
// `forbidden: <reason>`; `detail` (the authorizer's reason), when given, follows after ": ".
std::string ForbiddenMessage(const rbac::Attributes& a, const std::string& detail = "");

// `<resource>[.<group>] ["<name>"] is forbidden: <why>` for refusals other than the
// authorizer's, such as the escalation check.
std::string Forbidden(const rbac::Attributes& a, const std::string& why);

}  // namespace kubeiam::authz
