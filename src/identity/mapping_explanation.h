// Why an identity maps (or does not) as it does: each backend of the chain in order, each of its
// rows compared with the caller — the ARN, a role path stripped, an SSO permission set, the
// account, a principal ID recorded when an access entry was created — with the reason in words,
// then what the chain answers. The answer is MapIdentity's own, so an explanation never
// disagrees with the decision it explains. Pure.
#pragma once

#include <string>
#include <vector>

#include "identity/mapper_chain.h"

namespace kubeiam::identity {

struct RowComparison {
  std::string row;  // "role arn:aws:iam::1:role/a/Admin", "sso ViewOnlyAccess in 1", "account 1"
  bool matched = false;
  std::string why;
  std::string gives;  // for a match: the username and groups it gives, templates unrendered
};

struct BackendExplanation {
  std::string backend;
  std::vector<RowComparison> rows;  // the rows that name the caller's account or name
  size_t other_rows = 0;            // rows about other accounts and names, counted only
};

struct MappingExplanation {
  std::string canonical;  // how the caller's ARN became the ARN rows are compared with
  std::vector<BackendExplanation> backends;  // asked in order, up to the one that answered
  Result<UserInfo> result = Fail(ErrorCode::kPermissionDenied, "identity is not mapped");
};

// `answer`, when given, is the chain's answer as the caller already has it (a server's, with its
// EC2 lookups); else MapIdentity is asked here with `lookup`.
MappingExplanation ExplainMapping(const std::vector<Backend>& chain, const Identity& id, const PrivateDnsLookup& lookup,
                                  const Result<UserInfo>* answer = nullptr);

}  // namespace kubeiam::identity
