// An AWS API answer printed as awscli prints it (--output json|text|yaml): timestamps (numbers of
// seconds in fields named ...At) as ISO 8601 with microseconds and offset
// ("2026-12-01T00:55:55.123456+00:00"); json indented by four spaces in the answer's key order;
// text as awscli's text formatter writes it (scalars of an object on one tab-separated line
// after the upper-cased key that holds it, sorted by key; lists of scalars one per line); yaml
// in block style.
#pragma once

#include <string>
#include <string_view>

#include "util/error.h"

namespace kubeiam::cli {

enum class AwsOutput { kJson, kText, kYaml };

// "json", "text" or "yaml" (kInvalidArgument otherwise, naming --output).
Result<AwsOutput> ParseAwsOutput(std::string_view name);

// The answer (JSON text) formatted; JSON that does not parse is given back as it came.
std::string FormatAwsAnswer(std::string_view json_text, AwsOutput output);

}  // namespace kubeiam::cli
