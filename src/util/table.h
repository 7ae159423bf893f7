// Plain-text tables as kubectl prints them: columns three spaces apart, no trailing blanks.
// Widths count characters, not bytes, so "✔" lines up. Pure.
#pragma once

#include <string>
#include <vector>

namespace kubeiam {

// Characters in UTF-8 text (what a terminal shows for the scripts kubeiam prints).
size_t DisplayWidth(std::string_view s);

// The rows (the first is the header) as lines. With max_width > 0, the widest columns are
// narrowed, their cells cut with "…", until a line fits; no column goes below 8 characters.
std::string FormatTable(const std::vector<std::vector<std::string>>& rows, size_t max_width = 0);

}  // namespace kubeiam
