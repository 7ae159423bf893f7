// An AWS API answer printed as awscli prints it (--output json|text|table|yaml): timestamps (numbers of
// seconds in fields named ...At) as ISO 8601 with microseconds and offset
// ("2026-12-01T00:55:55.123456+00:00"); json indented by four spaces in the answer's key order;
// text as awscli's text formatter writes it (scalars of an object on one tab-separated line
// after the upper-cased key that holds it, sorted by key; lists of scalars one per line); yaml
// in block style; table as awscli draws it (see aws_table.h), titled with the operation's name.
#pragma once

#include <string>
#include <string_view>

#include "util/error.h"

namespace kubeiam::cli {

enum class AwsOutput { kJson, kText, kTable, kYaml };

// "json", "text", "table" or "yaml" (kInvalidArgument otherwise, naming --output).
Result<AwsOutput> ParseAwsOutput(std::string_view name);

// The answer (JSON text) of `operation` (DescribeAccessEntry) formatted; JSON that does not parse
// is given back as it came. A table wider than terminal_width is drawn narrower, as awscli does.
std::string FormatAwsAnswer(std::string_view json_text, AwsOutput output, std::string_view operation = "",
                            int terminal_width = 80);

// The columns of the terminal standard output is, or 80 when it is not one (as awscli).
int StdoutTerminalWidth();

}  // namespace kubeiam::cli
