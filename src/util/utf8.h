// UTF-8 validation. YAML documents must be Unicode, and yaml-cpp can loop forever on malformed
// UTF-8, so every YAML input is checked here first. Raw control characters (other than tab, LF
// and CR) are refused too: YAML and JSON allow them only escaped.
#pragma once

#include <cstddef>
#include <string_view>

#include "util/error.h"

namespace kubeiam {

// The byte offset of the first sequence that is not well-formed UTF-8 (overlong forms,
// surrogates and values past U+10FFFF included), or npos when there is none.
size_t FirstInvalidUtf8(std::string_view text);

// Errors: "<what>: not valid UTF-8 at byte N", "<what>: line L: control character 0x02 is not
// allowed (escape it)" (kInvalidArgument).
Status ValidateUtf8(std::string_view text, std::string_view what);

// Terminal columns of UTF-8 text as awscli measures them with Python's unicodedata: two for East
// Asian Wide, Fullwidth and Ambiguous code points, one for any other (and for each byte that
// starts no valid sequence).
size_t EastAsianWidth(std::string_view text);

}  // namespace kubeiam
