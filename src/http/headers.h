// Header lists as they travel: name/value pairs in order, names as sent (compare them without
// regard to case), repeated names kept.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace kubeiam::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

}  // namespace kubeiam::http
