// A small blocking HTTP(S) client for calls to AWS-shaped peers (STS, IMDS, container
// credentials): one request, one answer, a hard deadline, no redirects, bounded bodies.
//
// TLS verifies the peer against the system trust store, or `ca_file` when given (AWS_CA_BUNDLE),
// and checks the host name.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/headers.h"

namespace boost::asio::ssl {
class context;
}
#include "util/error.h"

namespace kubeiam::http {

struct Request {
  std::string method = "GET";
  std::string url;            // http:// or https://; host may be a name, IPv4 or [IPv6]
  Headers headers;            // Host is added from the URL unless given
  std::string body;
  std::chrono::milliseconds timeout{10000};  // for the whole exchange
  std::string ca_file;        // PEM bundle to trust instead of the system store
  size_t max_body = 4u << 20;
  // A prepared TLS setup (client certificates, a CA given as data); replaces ca_file. Fetch only.
  std::shared_ptr<boost::asio::ssl::context> tls;
};

struct Response {
  int status = 0;
  Headers headers;
  std::string body;
  const std::string* Header(std::string_view name) const;
};

// Errors: kInvalidArgument for a bad URL; kUnavailable for connection failures and timeouts
// (the message names the host and what failed, never the query string).
// One connection per call, closed afterwards.
Result<Response> Fetch(const Request& request);

// A streamed exchange (a watch): a 2xx answer's body goes to `sink` piece by piece as it
// arrives (first an empty piece, when the header is in), until the peer ends it or `sink` returns false; `request.timeout` bounds each silence
// rather than the whole. Any other answer comes back with its body, as Fetch gives it. `stop`,
// when set, ends the exchange within 100 ms (an error).
using BodySink = std::function<bool(std::string_view piece)>;
Result<Response> FetchStream(const Request& request, const BodySink& sink, const std::atomic<bool>* stop = nullptr);

// A long streamed answer read in turns by its caller, with no thread of its own (an etcd watch):
// Open sends the request and waits (up to request.timeout) for the answer's header; each Read
// gives what arrived within `wait` ("" when nothing did). A 2xx answer streams; any other comes
// whole through Read too. Not thread-safe: one reader.
class BodyStream {
 public:
  static Result<std::unique_ptr<BodyStream>> Open(const Request& request);
  ~BodyStream();
  int status() const;
  // Errors: kUnavailable when the connection fails; once the peer has ended the answer, Read
  // gives what is left, then "" with ended() true.
  Result<std::string> Read(std::chrono::milliseconds wait);
  bool ended() const;

 private:
  struct Impl;
  explicit BodyStream(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Keeps idle keep-alive connections per target (scheme, host, port, CA bundle) and reuses them:
// a verifier calling STS thousands of times a second pays the TCP and TLS handshakes once per
// connection, not per call. Thread-safe. A reused connection the peer has closed meanwhile is
// replaced transparently (GET only).
class ConnectionPool {
 public:
  explicit ConnectionPool(size_t max_idle_per_target = 64);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;
  Result<Response> Fetch(const Request& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kubeiam::http
