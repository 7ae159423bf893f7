// A small blocking HTTP(S) client for calls to AWS-shaped peers (STS, IMDS, container
// credentials): one request, one answer, a hard deadline, no redirects, bounded bodies.
//
// TLS verifies the peer against the system trust store, or `ca_file` when given (AWS_CA_BUNDLE),
// and checks the host name.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "util/error.h"

namespace kubeiam::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method = "GET";
  std::string url;            // http:// or https://; host may be a name, IPv4 or [IPv6]
  Headers headers;            // Host is added from the URL unless given
  std::string body;
  std::chrono::milliseconds timeout{10000};  // for the whole exchange
  std::string ca_file;        // PEM bundle to trust instead of the system store
  size_t max_body = 4u << 20;
};

struct Response {
  int status = 0;
  Headers headers;
  std::string body;
  const std::string* Header(std::string_view name) const;
};

// Errors: kInvalidArgument for a bad URL; kUnavailable for connection failures and timeouts
// (the message names the host and what failed, never the query string).
Result<Response> Fetch(const Request& request);

}  // namespace kubeiam::http
