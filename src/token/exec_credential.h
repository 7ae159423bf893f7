// ExecCredential: what a kubectl credential plugin prints (client.authentication.k8s.io).
#pragma once

#include <string>
#include <string_view>

#include "util/time.h"

namespace kubeiam::token {

inline constexpr std::string_view kExecV1 = "client.authentication.k8s.io/v1";
inline constexpr std::string_view kExecV1beta1 = "client.authentication.k8s.io/v1beta1";

struct ApiVersionChoice {
  std::string api_version;
  std::string warning;  // for stderr; empty when there is nothing to say
};

// The version kubectl asks for in KUBERNETES_EXEC_INFO (its value, may be empty): v1 or v1beta1
// are echoed; v1alpha1 is echoed with a deprecation warning; anything else, or malformed JSON,
// falls back to v1beta1 with a warning.
ApiVersionChoice ChooseApiVersion(std::string_view exec_info);

// One JSON line (without the newline):
// {"kind":"ExecCredential","apiVersion":...,"spec":{},"status":{"expirationTimestamp":...,"token":...}}
std::string FormatExecCredential(std::string_view api_version, std::string_view token, TimePoint expiration);

}  // namespace kubeiam::token
