// Server-side token validation before any network call (spec/authenticator.md §2.2): shape,
// host allow-list, query parameters, cluster binding and expiry, in the reference's order and
// with its error texts ("input token was not properly formatted: ...").
//
// Pure: the caller gives the time. What passes is safe to send to the STS host it names.
#pragma once

#include <optional>
#include <string>

#include "aws/sigv4.h"
#include "token/decode.h"
#include "util/error.h"
#include "util/time.h"

namespace kubeiam::token {

inline constexpr size_t kReferenceMaxTokenBytes = 4096;
inline constexpr auto kTokenValidity = std::chrono::minutes(15);

struct ValidatorConfig {
  std::string cluster_id;
  std::string partition = "aws";
  std::string server_region;  // the server's own region; "" when unknown
  // Local mode: the only acceptable host, "address:port" of the embedded STS. Replaces the
  // allow-list entirely (and is the one case where a port is allowed).
  std::optional<std::string> local_sts_host;
  size_t max_token_bytes = kReferenceMaxTokenBytes;
  // Beyond the reference: reject user info, a port or a fragment in the URL, a Version other
  // than 2011-06-15, a missing signature or credential, and X-Amz-Date more than 15 minutes ahead.
  bool strict = true;
};

struct ValidatedToken {
  PresignedUrl url;
  aws::SignableRequest request;  // GET with Host and x-k8s-aws-id: what STS will be sent
  std::string access_key_id;
  std::string sts_region;        // "global" or the host's region label (a metrics label)
  TimePoint signed_at;
};

// ErrorCode::kFormat for every "not properly formatted" rejection; kInvalidArgument for the few
// plain errors of the reference (e.g. "invalid host format, too few labels").
Result<ValidatedToken> Validate(std::string_view token, const ValidatorConfig& config, TimePoint now);

}  // namespace kubeiam::token
