// JSON text read with Boost.JSON, whose errors alone say nothing of where the text went wrong:
// a syntax error here names the line and column it stopped at ("syntax error at line 2,
// column 14"), so a hand-written body or file can be fixed. Nesting deeper than max_depth is
// an error too.
#pragma once

#include <boost/json/value.hpp>
#include <string_view>

#include "util/error.h"

namespace kubeiam {

// kFormat with "<what went wrong> at line L, column C" when `text` is not one JSON value.
Result<boost::json::value> ParseJsonText(std::string_view text, int max_depth = 64);

}  // namespace kubeiam
