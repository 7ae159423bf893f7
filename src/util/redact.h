// Masks secrets in text bound for a log line, an error message or a metric: the signature and
// session token of a SigV4 request or presigned URL (any case, raw or percent-encoded), whole
// `k8s-aws-v1.` tokens, and bearer credentials. Everything else is kept, so an operator still
// sees which host, action or date a refused token carried.
//
// Callers that build a message from untrusted text (a token's URL, a peer's answer) pass it
// through here; the logger does so again for every line, as a second line of defence.
#pragma once

#include <string>
#include <string_view>

namespace kubeiam {

inline constexpr std::string_view kRedacted = "REDACTED";

std::string RedactSecrets(std::string_view text);

// A presigned URL reduced to what may be shown: scheme, host and path, with the query replaced
// by "?REDACTED" when there was one.
std::string RedactUrl(std::string_view url);

}  // namespace kubeiam
