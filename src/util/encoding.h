// Byte encodings: hex and base64 (standard and URL-safe, padded or not).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/error.h"

namespace kubeiam {

std::string HexEncode(std::string_view bytes);

// Standard alphabet with '=' padding (RFC 4648 §4).
std::string Base64Encode(std::string_view bytes);
// Accepts padded or unpadded standard base64; rejects anything else.
Result<std::string> Base64Decode(std::string_view text);

// URL-safe alphabet without padding (RFC 4648 §5), as Go's RawURLEncoding.
std::string Base64UrlEncodeNoPad(std::string_view bytes);
// Strict: padding and characters outside the URL-safe alphabet are errors naming the offset,
// e.g. "illegal base64 data at input byte 12".
Result<std::string> Base64UrlDecodeNoPad(std::string_view text);

}  // namespace kubeiam
