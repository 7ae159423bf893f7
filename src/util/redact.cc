#include "util/redact.h"

#include <array>

#include "util/strings.h"

namespace kubeiam {
namespace {

// Markers after which a secret value follows, compared without case. The percent-encoded
// spellings catch a URL nested in another URL's query.
constexpr std::array<std::string_view, 9> kSecretKeys = {
    "x-amz-signature=", "x-amz-security-token=", "x-amz-signature%3d", "x-amz-security-token%3d",
    "signature=",       "k8s-aws-v1.",           "bearer ",            "sessiontoken\":\"",
    "secretaccesskey\":\""};

// Where a secret value ends: a separator of queries, headers, JSON or log text.
bool EndsValue(char c) {
  return c == '&' || c == '"' || c == '\'' || c == ' ' || c == ',' || c == ';' || c == '#' || c == '\\' ||
         c == '<' || c == '>' || c == '\n' || c == '\r' || c == '\t' || c == '\0';
}

bool MatchesAt(std::string_view text, size_t at, std::string_view lower_key) {
  if (text.size() - at < lower_key.size()) return false;
  return EqualsIgnoreCase(text.substr(at, lower_key.size()), lower_key);
}

}  // namespace

std::string RedactSecrets(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    std::string_view key;
    char first = char(text[i] | 0x20);  // every marker starts with one of these letters
    bool candidate = first == 'x' || first == 's' || first == 'k' || first == 'b';
    for (auto k : kSecretKeys) {
      if (!candidate) break;
      if (MatchesAt(text, i, k)) {
        key = k;
        break;
      }
    }
    if (key.empty()) {
      out.push_back(text[i++]);
      continue;
    }
    out.append(text.substr(i, key.size()));
    i += key.size();
    size_t end = i;
    while (end < text.size() && !EndsValue(text[end])) ++end;
    // "bearer token is required" is prose, not a credential: bearer values are long.
    size_t shortest = key == "bearer " ? 16 : 1;
    if (end - i >= shortest) {
      out.append(kRedacted);
      i = end;
    }
  }
  return out;
}

std::string RedactUrl(std::string_view url) {
  size_t cut = url.find_first_of("?#");
  std::string out = RedactSecrets(url.substr(0, cut));
  if (cut != std::string_view::npos) out += "?" + std::string(kRedacted);
  return out;
}

}  // namespace kubeiam
