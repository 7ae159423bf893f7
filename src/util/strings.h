// Small string helpers shared across modules.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kubeiam {

std::string_view Trim(std::string_view s);
std::string ToLower(std::string_view s);
std::string ToUpper(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// Splits on every occurrence of sep; "a,,b" gives {"a", "", "b"}; "" gives {""}.
std::vector<std::string_view> Split(std::string_view s, char sep);
// The parts with `sep` between them: {"a", "b"} and ", " give "a, b".
std::string Join(const std::vector<std::string>& parts, std::string_view sep);
// Environment variable, or "" when unset.
std::string GetEnv(const char* name);
bool EnvIsSet(const char* name);
// "true"/"1"/"yes" (any case) mean true, as the AWS SDKs read boolean settings.
bool IsTruthy(std::string_view s);

}  // namespace kubeiam
