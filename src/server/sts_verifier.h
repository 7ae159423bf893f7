// The Verifier that asks STS: a token is checked against its rules (token/validate), looked up
// in the verified-token cache, and otherwise sent to the one STS host the config allows — the
// embedded local STS in-process, or real STS over HTTPS with at most `sts.maxInFlight` calls
// waiting at once. What STS confirms is cached until the token expires or `tokenCacheSeconds`.
#pragma once

#include <memory>

#include "http/client.h"
#include "config/config.h"
#include "http/in_flight_limit.h"
#include "server/metrics.h"
#include "server/verified_token_cache.h"
#include "server/verifier.h"
#include "sts/local_sts.h"
#include "token/validate.h"

namespace kubeiam::server {

class StsVerifier : public Verifier {
 public:
  // `metrics` outlives the verifier; `local_sts` is null unless sts.local is configured.
  StsVerifier(const config::Config& config, std::shared_ptr<const sts::LocalSts> local_sts, Metrics& metrics);
  Result<identity::Identity> Verify(std::string_view token, TimePoint now) override;

 private:
  Result<identity::Identity> VerifyUnredacted(std::string_view token, TimePoint now);
  Result<std::string> CallSts(const token::ValidatedToken& v, TimePoint now);

  std::string cluster_id_, sts_endpoint_, sts_ca_file_;
  int token_cache_seconds_, sts_max_in_flight_;
  std::shared_ptr<const sts::LocalSts> local_sts_;
  Metrics& metrics_;
  token::ValidatorConfig validator_;
  http::ConnectionPool sts_pool_;
  http::InFlightLimit sts_in_flight_;
  VerifiedTokenCache cache_{100000, 32u << 20};
};

}  // namespace kubeiam::server
