// EKS authentication modes (spec/eks-access.md §1): which mapping sources a cluster honours, and
// the one-way transitions between them. Pure.
#pragma once

#include <string_view>

#include "util/error.h"

namespace kubeiam::eks {

enum class AuthenticationMode {
  kConfigMap,        // CONFIG_MAP: aws-auth only
  kApiAndConfigMap,  // API_AND_CONFIG_MAP: access entries first, then aws-auth
  kApi,              // API: access entries only
};

// Exactly "CONFIG_MAP", "API_AND_CONFIG_MAP" or "API". Error (kInvalidArgument):
// "authenticationMode: <v> is not one of [API, API_AND_CONFIG_MAP, CONFIG_MAP]".
Result<AuthenticationMode> ParseAuthenticationMode(std::string_view text);
std::string_view ToString(AuthenticationMode mode);

inline bool UsesAccessEntries(AuthenticationMode m) { return m != AuthenticationMode::kConfigMap; }
inline bool UsesConfigMap(AuthenticationMode m) { return m != AuthenticationMode::kApi; }

// Allowed: CONFIG_MAP -> API_AND_CONFIG_MAP -> API, and staying put. Anything that removes the
// API, or skips API_AND_CONFIG_MAP, is refused with the reason (kInvalidArgument).
Status CheckTransition(AuthenticationMode from, AuthenticationMode to);

}  // namespace kubeiam::eks
