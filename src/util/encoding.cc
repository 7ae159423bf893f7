#include "util/encoding.h"

#include <array>
#include <cstdint>

namespace kubeiam {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kStd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Encode(std::string_view in, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  size_t rest = in.size() - i;
  if (rest == 1) {
    uint32_t v = uint8_t(in[i]) << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (pad) out += "==";
  } else if (rest == 2) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    if (pad) out += '=';
  }
  return out;
}

std::array<int8_t, 256> ReverseTable(const char* alphabet) {
  std::array<int8_t, 256> t;
  t.fill(-1);
  for (int i = 0; i < 64; ++i) t[uint8_t(alphabet[i])] = int8_t(i);
  return t;
}

Result<std::string> Decode(std::string_view in, const std::array<int8_t, 256>& table,
                           bool allow_pad) {
  size_t len = in.size();
  if (allow_pad) {
    while (len > 0 && in[len - 1] == '=' && in.size() - len < 2) --len;
    if (len != in.size() && in.size() % 4 != 0) {
      return Fail(ErrorCode::kFormat, "illegal base64 data at input byte " + std::to_string(len));
    }
  }
  std::string out;
  out.reserve(len / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < len; ++i) {
    int8_t v = table[uint8_t(in[i])];
    if (v < 0) {
      return Fail(ErrorCode::kFormat, "illegal base64 data at input byte " + std::to_string(i));
    }
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((acc >> bits) & 0xff);
    }
  }
  // A single leftover symbol (6 bits) can never encode a byte; leftover bits must be zero.
  if (len % 4 == 1) {
    return Fail(ErrorCode::kFormat, "illegal base64 data at input byte " + std::to_string(len - 1));
  }
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) {
    return Fail(ErrorCode::kFormat, "illegal base64 data at input byte " + std::to_string(len - 1));
  }
  return out;
}

}  // namespace

std::string HexEncode(std::string_view bytes) {
  std::string out;
  out.resize(bytes.size() * 2);
  for (size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kHexDigits[uint8_t(bytes[i]) >> 4];
    out[2 * i + 1] = kHexDigits[uint8_t(bytes[i]) & 15];
  }
  return out;
}

std::string Base64Encode(std::string_view bytes) { return Encode(bytes, kStd, true); }

Result<std::string> Base64Decode(std::string_view text) {
  static const auto table = ReverseTable(kStd);
  return Decode(text, table, true);
}

std::string Base64UrlEncodeNoPad(std::string_view bytes) { return Encode(bytes, kUrl, false); }

Result<std::string> Base64UrlDecodeNoPad(std::string_view text) {
  static const auto table = ReverseTable(kUrl);
  return Decode(text, table, false);
}

}  // namespace kubeiam
