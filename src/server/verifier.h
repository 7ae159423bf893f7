// Token -> STS-confirmed identity, as the reference authenticator's token.Verifier: what the
// webhooks, the Kubernetes front and the EKS API ask. StsVerifier is the implementation (the
// token's rules, the cache, the call to STS); tests use a fake.
#pragma once

#include <string_view>

#include "identity/identity.h"
#include "util/error.h"
#include "util/time.h"

namespace kubeiam::server {

class Verifier {
 public:
  virtual ~Verifier() = default;
  // Errors: kFormat (the token breaks a rule), kUpstream (STS said no or failed), kThrottled
  // (too many calls to STS are waiting), kUnavailable (the call must move to a handler thread:
  // http::MayWait). Messages carry no token, signature or secret.
  virtual Result<identity::Identity> Verify(std::string_view token, TimePoint now) = 0;
};

}  // namespace kubeiam::server
