// The mapper chain (spec/authenticator.md §3.1): backends in configured order, first match wins,
// and an account allow-listed by a backend wins as soon as that backend has been asked.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "identity/mapping_table.h"
#include "identity/templates.h"

namespace kubeiam::identity {

// Backend names as configured; "File" and "ConfigMap" are accepted as the old spellings.
inline constexpr std::string_view kMountedFile = "MountedFile";
inline constexpr std::string_view kEksConfigMap = "EKSConfigMap";
inline constexpr std::string_view kDynamicFile = "DynamicFile";
inline constexpr std::string_view kCrd = "CRD";
// EKS access entries (kubeiam's name; EKS feeds them to the reference through a DynamicFile).
inline constexpr std::string_view kAccessEntry = "AccessEntry";

// Canonical names, in order. Errors: unknown mode, duplicates, empty list.
Result<std::vector<std::string>> ValidateBackendModes(const std::vector<std::string>& modes);

struct Backend {
  std::string name;
  std::shared_ptr<const MappingTable> table;
  std::vector<std::string> reserved_prefixes;
};

struct UserInfo {
  std::string username;
  std::vector<std::string> groups;
  std::string backend;       // which backend mapped it
  bool by_account = false;   // allowed by mapAccounts: username is the canonical ARN, no groups
  std::string mapped_arn;    // the ARN (or pattern) of the mapping that matched; empty for accounts
};

// Errors (ErrorCode::kPermissionDenied): "identity is not mapped", template failures, reserved
// prefixes, or the backends' own errors joined.
Result<UserInfo> MapIdentity(const std::vector<Backend>& chain, const Identity& id, const PrivateDnsLookup& lookup);

}  // namespace kubeiam::identity
