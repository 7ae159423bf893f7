#include "token/decode.h"

#include "token/generate.h"
#include "util/encoding.h"
#include "util/redact.h"
#include "util/strings.h"

namespace kubeiam::token {

namespace {

bool SchemeChar(char c, bool first) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return !first && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.');
}

// Splits a URL into its parts the way Go's url.Parse does for absolute URLs, so that errors
// surface at the same step as in the reference: a bad escape in the query is a query error.
Result<PresignedUrl> SplitUrl(const std::string& url) {
  auto fail = [&](std::string_view why) {
    // As Go's url.Parse words it, but the URL carries a signature: only its host part is shown.
    return Fail(ErrorCode::kFormat, "parse \"" + RedactUrl(url) + "\": " + std::string(why));
  };
  for (unsigned char c : url) {
    if (c < 0x20 || c == 0x7f) return fail("net/url: invalid control character in URL");
  }
  PresignedUrl out;
  out.url = url;
  size_t colon = url.find(':');
  if (colon == 0) return fail("missing protocol scheme");
  if (colon == std::string::npos) return fail("missing protocol scheme");
  for (size_t i = 0; i < colon; ++i) {
    if (!SchemeChar(url[i], i == 0)) return fail("missing protocol scheme");
  }
  out.scheme = ToLower(std::string_view(url).substr(0, colon));
  std::string_view rest = std::string_view(url).substr(colon + 1);
  if (size_t hash = rest.find('#'); hash != std::string_view::npos) {
    out.has_fragment = true;
    rest = rest.substr(0, hash);
  }
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    out.raw_query = std::string(rest.substr(q + 1));
    rest = rest.substr(0, q);
  }
  if (rest.starts_with("//")) {
    rest.remove_prefix(2);
    size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
      out.has_userinfo = true;
      authority = authority.substr(at + 1);
    }
    out.host = std::string(authority);
  }
  auto path = aws::UriDecode(rest);
  if (!path) return fail("invalid URL escape in path");
  out.path = std::move(*path);
  return out;
}

}  // namespace

Result<PresignedUrl> Decode(std::string_view token) {
  if (!token.starts_with(kPrefix)) {
    return Fail(ErrorCode::kFormat, "token is missing expected \"k8s-aws-v1.\" prefix");
  }
  auto bytes = Base64UrlDecodeNoPad(token.substr(kPrefix.size()));
  if (!bytes) return std::unexpected(bytes.error());
  return SplitUrl(*bytes);
}

Result<aws::SignableRequest> ToSignableRequest(const PresignedUrl& url, std::string_view cluster_id) {
  auto query = aws::ParseQuery(url.raw_query);
  if (!query) return Fail(ErrorCode::kFormat, "malformed query parameter");
  aws::SignableRequest r;
  r.method = "GET";
  r.path = url.path.empty() ? "/" : url.path;
  r.query = std::move(*query);
  r.headers = {{"host", url.host}, {std::string(kClusterIdHeader), std::string(cluster_id)}};
  return r;
}

}  // namespace kubeiam::token
