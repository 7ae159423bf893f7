// A server kubeiam relays requests to (the API server behind the Kubernetes front), and what a
// handler hands the HTTP server to have a request relayed there.
//
// An Upstream is built once from its options: the URL checked, the TLS client context loaded
// (the CA bundle the upstream's certificate must chain to, kubeiam's client certificate), and a
// bearer token read from its file again whenever the file changes. Only kubeiam's own
// credentials reach the upstream; the caller's identity travels in headers the handler sets.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "http/headers.h"
#include "util/error.h"

namespace boost::asio::ssl {
class context;
}

namespace kubeiam::http {

struct HttpResponse;

struct UpstreamUrl {
  bool tls = true;
  std::string host;         // without brackets
  std::string port;
  std::string host_header;  // as it goes in Host:
  std::string base_path;    // prefix for every request target, without a trailing slash
};

// Errors name `field` (as the caller's config spells it) and the rule: http(s) only, no user
// info or query, plain http only to a loopback address.
Result<UpstreamUrl> ParseUpstreamUrl(std::string_view url, std::string_view field);

struct UpstreamOptions {
  std::string url;          // https://host[:port][/prefix]; http only to a loopback address
  std::string ca_file;      // PEM bundle the upstream's certificate must chain to (else the system's)
  std::string client_cert;  // kubeiam's client certificate and key
  std::string client_key;
  std::string token_file;   // or a bearer token, re-read when the file changes
  // Where these options sit in the caller's config: errors name "<config_path>.caFile" etc.
  std::string config_path = "upstream";
};

class Upstream {
 public:
  // Errors: a bad URL, an unreadable CA bundle, certificate, key or token file (named).
  static Result<std::shared_ptr<const Upstream>> Create(const UpstreamOptions& options);
  ~Upstream();

  const UpstreamUrl& url() const { return url_; }
  // Null for plain http.
  boost::asio::ssl::context* tls_context() const { return ssl_.get(); }
  // The bearer token for the upstream ("" without tokenFile); a file that cannot be read now
  // keeps the last token.
  std::string Token() const;

 private:
  Upstream() = default;
  UpstreamUrl url_;
  std::shared_ptr<boost::asio::ssl::context> ssl_;
  std::string token_file_;
  std::string token_field_;  // how errors name the token file
  mutable std::mutex mu_;
  mutable std::string token_, token_stamp_;
  mutable std::chrono::steady_clock::time_point token_checked_{};
};

// A request the HTTP server sends upstream instead of answering itself: the answer streams back
// to the client as it arrives (a watch, logs -f), an upgraded connection (exec, attach,
// port-forward) is tunnelled both ways.
struct Forward {
  std::shared_ptr<const Upstream> upstream;
  std::string method;
  std::string target;  // path and query, appended to the upstream's base path
  Headers headers;
  std::string body;
  bool streaming = false;  // long-lived (watch, follow): the client's hang-up ends it
  bool upgrade = false;    // Connection: Upgrade (exec, attach, port-forward)
  // The answer when nothing could be relayed (upstream unreachable); `why` names the failure.
  std::function<HttpResponse(const std::string& why)> on_failure;
};

}  // namespace kubeiam::http
