#include "util/json_text.h"

#include <boost/json/parser.hpp>

#include <algorithm>
#include <string>

namespace kubeiam {

Result<boost::json::value> ParseJsonText(std::string_view text, int max_depth) {
  boost::json::parse_options opts;
  opts.max_depth = size_t(max_depth);
  boost::json::parser parser({}, opts);
  boost::system::error_code ec;
  size_t used = parser.write(text.data(), text.size(), ec);
  if (!ec) return parser.release();
  // write stops at the byte at fault; an incomplete text fails at its end.
  std::string_view before = text.substr(0, std::min(used, text.size()));
  size_t line = 1 + size_t(std::count(before.begin(), before.end(), '\n'));
  size_t line_start = before.rfind('\n');
  size_t column = before.size() - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
  return Fail(ErrorCode::kFormat, ec.message() + " at line " + std::to_string(line) + ", column " + std::to_string(column));
}

}  // namespace kubeiam
