// Byte encodings: hex and base64 (standard and URL-safe, padded or not).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/error.h"

namespace kubeiam {

std::string HexEncode(std::string_view bytes);

// Every byte `keep(byte)` rejects as %XX (upper-case hex, RFC 3986 §2.1).
template <typename Keep>
std::string PercentEncode(std::string_view s, Keep keep) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() + s.size() / 2);
  for (unsigned char c : s) {
    if (keep(c)) {
      out += char(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

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
