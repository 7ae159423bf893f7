#include "eks/authentication_mode.h"

#include <string>

namespace kubeiam::eks {

Result<AuthenticationMode> ParseAuthenticationMode(std::string_view text) {
  if (text == "CONFIG_MAP") return AuthenticationMode::kConfigMap;
  if (text == "API_AND_CONFIG_MAP") return AuthenticationMode::kApiAndConfigMap;
  if (text == "API") return AuthenticationMode::kApi;
  return Fail(ErrorCode::kInvalidArgument,
              "authenticationMode: " + std::string(text) + " is not one of [API, API_AND_CONFIG_MAP, CONFIG_MAP]");
}

std::string_view ToString(AuthenticationMode mode) {
  switch (mode) {
    case AuthenticationMode::kConfigMap: return "CONFIG_MAP";
    case AuthenticationMode::kApiAndConfigMap: return "API_AND_CONFIG_MAP";
    case AuthenticationMode::kApi: return "API";
  }
  return "CONFIG_MAP";
}

Status CheckTransition(AuthenticationMode from, AuthenticationMode to) {
  if (from == to) return {};
  if (static_cast<int>(to) < static_cast<int>(from)) {
    return Fail(ErrorCode::kInvalidArgument, "Unsupported authentication mode update from " + std::string(ToString(from)) +
                                                 " to " + std::string(ToString(to)) +
                                                 ": once the EKS API is enabled it cannot be disabled");
  }
  if (from == AuthenticationMode::kConfigMap && to == AuthenticationMode::kApi) {
    return Fail(ErrorCode::kInvalidArgument,
                "Unsupported authentication mode update from CONFIG_MAP to API: update to API_AND_CONFIG_MAP first");
  }
  return {};
}

}  // namespace kubeiam::eks
