// ARNs of IAM principals: parsing, canonical form, path stripping, and ArnLike matching.
//
// Pure. Error texts follow the reference authenticator (spec/authenticator.md §2.6, §6.5, §6.6).
#pragma once

#include <string>
#include <string_view>

#include "util/error.h"

namespace kubeiam::aws {

struct Arn {
  std::string partition, service, region, account, resource;
  std::string ToString() const;
};

// "arn:partition:service:region:account:resource"; the resource keeps any further ':'.
// Errors: "arn: invalid prefix", "arn: not enough sections".
Result<Arn> ParseArn(std::string_view text);

enum class PrincipalType { kUser, kRole, kRoot, kAssumedRole, kFederatedUser };

struct Principal {
  PrincipalType type;
  std::string canonical_arn;
};

// The ARN a mapping is keyed on: an sts assumed-role ARN becomes its iam role ARN (session name
// dropped, any middle parts kept); users, roles, root and federated users are unchanged.
Result<Principal> Canonicalize(std::string_view arn);

// For roles with a path, the role ARN without it: role/a/b/Admin -> role/Admin.
Result<std::string> StripPath(std::string_view arn);

// IAM's ArnLike condition: each of the six ':'-separated sections matches as a glob where '*'
// is any run of characters and '?' any one character; nothing else is special.
// Errors: "could not parse input arn: ...", "could not parse ArnLike string: ...".
Result<bool> ArnLike(std::string_view arn, std::string_view pattern);

// Glob match ('*' and '?') over a whole string, in linear time.
bool GlobMatch(std::string_view text, std::string_view pattern);

}  // namespace kubeiam::aws
