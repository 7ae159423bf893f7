// The API server kubeiam's API front proxies allowed requests to (`kubeAPI.upstream`), and what a
// handler hands the HTTP server to have a request relayed there.
//
// An Upstream is built once from its config: the URL checked, the TLS client context loaded
// (the CA bundle the upstream's certificate must chain to, kubeiam's client certificate), and a
// bearer token read from its file again whenever the file changes. Only kubeiam's own
// credentials reach the upstream; the caller's identity travels as Impersonate-* headers.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "config/config.h"
#include "util/error.h"

namespace boost::asio::ssl {
class context;
}

namespace kubeiam::server {

struct HttpResponse;

struct UpstreamUrl {
  bool tls = true;
  std::string host;         // without brackets
  std::string port;
  std::string host_header;  // as it goes in Host:
  std::string base_path;    // prefix for every request target, without a trailing slash
};

// Errors name kubeAPI.upstream.url and the rule: http(s) only, no user info, query or fragment,
// plain http only to a loopback address.
Result<UpstreamUrl> ParseUpstreamUrl(std::string_view url);

class Upstream {
 public:
  // Errors: a bad URL, an unreadable CA bundle, certificate, key or token file (named).
  static Result<std::shared_ptr<const Upstream>> Create(const config::UpstreamConfig& config);
  ~Upstream();

  const UpstreamUrl& url() const { return url_; }
  // kubeAPI.upstream.authorization is "upstream": kubeiam does not gate requests itself.
  bool decides() const { return decides_; }
  // Null for plain http.
  boost::asio::ssl::context* tls_context() const { return ssl_.get(); }
  // The bearer token for the upstream ("" without tokenFile); a file that cannot be read now
  // keeps the last token.
  std::string Token() const;

 private:
  Upstream() = default;
  UpstreamUrl url_;
  bool decides_ = false;
  std::shared_ptr<boost::asio::ssl::context> ssl_;
  std::string token_file_;
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
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool streaming = false;  // long-lived (watch, follow): the client's hang-up ends it
  bool upgrade = false;    // Connection: Upgrade (exec, attach, port-forward)
  // The answer when nothing could be relayed (upstream unreachable); `why` names the failure.
  std::function<HttpResponse(const std::string& why)> on_failure;
};

}  // namespace kubeiam::server
