#include "token/generate.h"

#include <boost/url/parse.hpp>

#include "aws/sigv4.h"
#include "util/encoding.h"

namespace kubeiam::token {

std::string Encode(std::string_view presigned_url) {
  return std::string(kPrefix) + Base64UrlEncodeNoPad(presigned_url);
}

Result<Token> Generate(std::string_view cluster_id, const aws::Credentials& credentials, std::string_view sts_url,
                       std::string_view region, TimePoint now) {
  if (cluster_id.empty()) return Fail(ErrorCode::kInvalidArgument, "ClusterID is required");
  if (credentials.Empty()) return Fail(ErrorCode::kUnauthenticated, "credentials have no access key or secret");
  auto u = boost::urls::parse_uri(sts_url);
  if (!u || u->host().empty()) {
    return Fail(ErrorCode::kInvalidArgument, "STS endpoint must be a URL, got \"" + std::string(sts_url) + "\"");
  }
  aws::SignableRequest r;
  r.method = "GET";
  r.path = u->path().empty() ? "/" : std::string(u->path());
  r.query = {{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}};
  r.headers = {{"host", std::string(u->encoded_host_and_port())}, {std::string(kClusterIdHeader), std::string(cluster_id)}};
  aws::SigningParams p{std::string(region), "sts", now};
  aws::Presign(r, credentials, p, kUrlExpiresSeconds);

  Token t;
  t.url = std::string(u->scheme()) + "://" + std::string(u->encoded_host_and_port()) +
          aws::UriEncode(r.path, true) + "?" + aws::EncodeQuery(r.query);
  t.value = Encode(t.url);
  auto whole_seconds = std::chrono::time_point_cast<std::chrono::seconds>(now);
  t.expiration = whole_seconds + kTokenLifetime;
  if (credentials.expiration && *credentials.expiration < t.expiration) {
    t.expiration = std::chrono::time_point_cast<std::chrono::seconds>(*credentials.expiration);
  }
  return t;
}

}  // namespace kubeiam::token
