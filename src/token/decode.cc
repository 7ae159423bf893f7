#include "token/decode.h"

#include <boost/url/parse.hpp>

#include "token/generate.h"
#include "util/encoding.h"
#include "util/strings.h"

namespace kubeiam::token {

Result<PresignedUrl> Decode(std::string_view token) {
  if (!token.starts_with(kPrefix)) {
    return Fail(ErrorCode::kFormat, "token is missing expected \"k8s-aws-v1.\" prefix");
  }
  auto bytes = Base64UrlDecodeNoPad(token.substr(kPrefix.size()));
  if (!bytes) return std::unexpected(bytes.error());
  auto u = boost::urls::parse_uri_reference(*bytes);
  if (!u) return Fail(ErrorCode::kFormat, "parse \"" + *bytes + "\": " + u.error().message());
  if (!u->has_scheme()) return Fail(ErrorCode::kFormat, "parse \"" + *bytes + "\": missing protocol scheme");
  PresignedUrl out;
  out.url = *bytes;
  out.scheme = ToLower(u->scheme());
  out.host = std::string(u->encoded_host_and_port());
  out.path = std::string(u->path());
  out.raw_query = std::string(u->encoded_query());
  out.has_userinfo = u->has_userinfo();
  out.has_fragment = u->has_fragment();
  return out;
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
