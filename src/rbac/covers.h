// Escalation prevention (spec/rbac.md §3.9 "covers"): a requester may only grant, through a role
// or a binding, permissions it already holds as RBAC rules. Pure.
#pragma once

#include <string>
#include <vector>

#include "rbac/objects.h"

namespace kubeiam::rbac {

// The servant rules broken into atoms (one group, resource, verb and name, or one URL and verb)
// that no single owner rule covers, re-compacted (atoms differing only in verb merge). Empty
// means the owner covers the servant. "*" in the servant is covered only by "*" in the owner.
std::vector<PolicyRule> Uncovered(const std::vector<PolicyRule>& owner, const std::vector<PolicyRule>& servant);

inline bool Covers(const std::vector<PolicyRule>& owner, const std::vector<PolicyRule>& servant) {
  return Uncovered(owner, servant).empty();
}

// Kubernetes' compact form: {APIGroups:["apps"], Resources:["deployments"], Verbs:["get" "list"]}.
std::string CompactString(const PolicyRule& rule);

// `user "<u>" (groups=["a" "b"]) is attempting to grant RBAC permissions not currently held:`
// followed by one compact rule per line, sorted.
std::string EscalationMessage(const UserInfo& user, const std::vector<PolicyRule>& missing);

}  // namespace kubeiam::rbac
