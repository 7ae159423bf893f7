// Token generation: a presigned STS GetCallerIdentity URL bound to a cluster ID, encoded as
// "k8s-aws-v1." + unpadded base64url (spec/authenticator.md §1).
//
// Pure: the caller supplies credentials, endpoint and time.
#pragma once

#include <string>

#include "aws/credentials.h"
#include "util/error.h"
#include "util/time.h"

namespace kubeiam::token {

inline constexpr std::string_view kPrefix = "k8s-aws-v1.";
inline constexpr std::string_view kClusterIdHeader = "x-k8s-aws-id";
inline constexpr int kUrlExpiresSeconds = 60;  // ignored by STS; kept for old servers (§1.2)
inline constexpr auto kTokenLifetime = std::chrono::minutes(14);

struct Token {
  std::string value;     // k8s-aws-v1....
  std::string url;       // the presigned URL inside it
  TimePoint expiration;  // signing time + 14 min, capped at the credentials' own expiry
};

// sts_url is scheme://host[:port][/path] (see aws::ResolveStsUrl); region signs the request.
Result<Token> Generate(std::string_view cluster_id, const aws::Credentials& credentials, std::string_view sts_url,
                       std::string_view region, TimePoint now);

std::string Encode(std::string_view presigned_url);

}  // namespace kubeiam::token
