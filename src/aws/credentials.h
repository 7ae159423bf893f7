// AWS credentials as every signer and provider passes them around.
#pragma once

#include <optional>
#include <string>

#include "util/time.h"

namespace kubeiam::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;           // empty for long-term keys
  std::optional<TimePoint> expiration;  // unset for keys that do not expire
  std::string source;                   // which provider produced them, for messages only

  bool CanExpire() const { return expiration.has_value(); }
  bool Empty() const { return access_key_id.empty() || secret_access_key.empty(); }
};

}  // namespace kubeiam::aws

#include <string_view>

#include "util/error.h"

namespace kubeiam::aws {

// Reads the JSON document that IMDS, container endpoints and credential_process all return:
// {"AccessKeyId", "SecretAccessKey", "Token" or "SessionToken", "Expiration"}. `source` names the
// provider in errors and in Credentials::source.
Result<Credentials> ParseJsonCredentials(std::string_view json, std::string_view source);

}  // namespace kubeiam::aws
