// A name as one segment of a store key: '/' would add a segment and '%' is the escape itself,
// so both are percent-escaped; everything else is kept as it is.
#pragma once

#include <string>
#include <string_view>

namespace kubeiam::store {

std::string KeySegment(std::string_view name);

}  // namespace kubeiam::store
