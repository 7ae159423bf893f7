// Token decoding: "k8s-aws-v1." + base64url -> the presigned URL and its parts.
//
// Only the shape is checked here; the rules a server applies (hosts, parameters, expiry) live in
// token/validate. Error texts follow spec/authenticator.md §2.2 (without the common prefix).
#pragma once

#include <string>
#include <string_view>

#include "aws/sigv4.h"
#include "util/error.h"

namespace kubeiam::token {

struct PresignedUrl {
  std::string url;       // as decoded
  std::string scheme;    // lower-case
  std::string host;      // host[:port] as written
  std::string path;      // decoded path
  std::string raw_query; // as written
  bool has_userinfo = false;
  bool has_fragment = false;
};

// Prefix, base64url (no padding) and URL syntax.
Result<PresignedUrl> Decode(std::string_view token);

// The request STS sees when the URL is fetched with the cluster ID header: what a verifier
// recomputes the signature over. Fails on a malformed query string.
Result<aws::SignableRequest> ToSignableRequest(const PresignedUrl& url, std::string_view cluster_id);

}  // namespace kubeiam::token
