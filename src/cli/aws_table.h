// An AWS API answer drawn as awscli's `--output table` draws it: a box titled with the
// operation's name; each object a section whose scalar keys (sorted) are a header row over a
// value row, or "key | value" rows for a single key; nested objects and lists are sections
// indented by one '|' per level; a list of objects shares one header row. When the widest
// section does not fit the terminal, single-row sections turn into "key | value" rows, as awscli
// does. Columns widen in proportion to the widest section, rounded as Python rounds.
// Widths count East Asian wide, fullwidth and ambiguous characters as two columns, as awscli.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

namespace kubeiam::cli {

// A scalar as Python's str() writes it, as awscli's text and table outputs show it: True,
// False, None, 1.5, 1e+16.
std::string PythonStr(const boost::json::value& scalar);

// The answer's table, every line ending in '\n'; "" for an empty answer (awscli prints nothing).
std::string FormatAwsTable(const boost::json::value& answer, std::string_view title, int terminal_width);

}  // namespace kubeiam::cli
