#include "util/utf8.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>

namespace kubeiam {

namespace {

// A code point and the bytes of its sequence; size 0 when no valid sequence starts there.
struct CodePoint {
  char32_t value = 0;
  size_t size = 0;
};

CodePoint DecodeAt(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return {c, 1};
  size_t n;  // continuation bytes
  char32_t cp;
  if ((c & 0xe0) == 0xc0) {
    n = 1;
    cp = c & 0x1f;
  } else if ((c & 0xf0) == 0xe0) {
    n = 2;
    cp = c & 0x0f;
  } else if ((c & 0xf8) == 0xf0) {
    n = 3;
    cp = c & 0x07;
  } else {
    return {};
  }
  if (i + n >= s.size()) return {};
  for (size_t k = 1; k <= n; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xc0) != 0x80) return {};
    cp = (cp << 6) | (cc & 0x3f);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
  if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
      (cp >= 0xd800 && cp <= 0xdfff)) {
    return {};
  }
  return {cp, n + 1};
}

struct CodePointRange {
  char32_t first, last;
};

constexpr CodePointRange kEastAsianWide[] = {
#include "util/east_asian_wide.inc"
};

int CodePointColumns(char32_t c) {
  auto it = std::upper_bound(std::begin(kEastAsianWide), std::end(kEastAsianWide), c,
                             [](char32_t v, const CodePointRange& r) { return v < r.first; });
  return it != std::begin(kEastAsianWide) && c <= std::prev(it)->last ? 2 : 1;
}


}  // namespace

size_t FirstInvalidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    CodePoint c = DecodeAt(s, i);
    if (c.size == 0) return i;
    i += c.size;
  }
  return std::string_view::npos;
}

Status ValidateUtf8(std::string_view s, std::string_view what) {
  size_t invalid = FirstInvalidUtf8(s);
  // YAML and JSON take control characters only escaped (go-yaml, which the API server uses, says
  // "control characters are not allowed"); raw, they also do not survive a rewrite of the
  // document. Only bytes before the first invalid sequence are plain ASCII for sure.
  for (size_t i = 0; i < std::min(invalid, s.size()); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
      size_t line = 1 + std::count(s.begin(), s.begin() + long(i), '\n');
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", unsigned(c));
      return Fail(ErrorCode::kInvalidArgument, std::string(what) + ": line " + std::to_string(line) +
                                                   ": control character " + hex + " is not allowed (escape it)");
    }
  }
  if (invalid != std::string_view::npos) {
    return Fail(ErrorCode::kInvalidArgument, std::string(what) + ": not valid UTF-8 at byte " + std::to_string(invalid));
  }
  return {};
}

size_t EastAsianWidth(std::string_view s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size();) {
    CodePoint c = DecodeAt(s, i);
    width += c.size == 0 ? 1 : size_t(CodePointColumns(c.value));
    i += std::max<size_t>(c.size, 1);
  }
  return width;
}

}  // namespace kubeiam
