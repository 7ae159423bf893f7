// A Verifier for unit tests: the token "token-for:<ARN>" is that principal (as STS would name
// it), "throttled" is STS throttling, anything else is refused as a bad token. Counts calls.
#pragma once

#include <atomic>
#include <string>

#include "identity/identity.h"
#include "server/verifier.h"

namespace kubeiam::testing {

class FakeVerifier : public server::Verifier {
 public:
  Result<identity::Identity> Verify(std::string_view token, TimePoint) override {
    ++calls;
    if (token == "throttled") return Fail(ErrorCode::kThrottled, "sts getCallerIdentity was throttled");
    constexpr std::string_view kPrefix = "token-for:";
    if (!token.starts_with(kPrefix)) return Fail(ErrorCode::kFormat, "input token was not properly formatted");
    return identity::IdentityFromArn(token.substr(kPrefix.size()));
  }
  std::atomic<int> calls{0};
};

}  // namespace kubeiam::testing
