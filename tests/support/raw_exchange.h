// Raw bytes to a loopback server, for framing tests that no HTTP client would send.
#pragma once

#include <string>

namespace kubeiam::testing {

// Sends `bytes` as they are to 127.0.0.1:port, over TLS (any certificate) or plain TCP, and
// returns what came back before the server closed (or 3 s passed).
std::string RawExchange(int port, const std::string& bytes, bool tls);
// The first line of an HTTP answer.
std::string StatusLine(const std::string& answer);

}  // namespace kubeiam::testing
