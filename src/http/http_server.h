// The one HTTP(S) server: Boost.Beast over a thread pool, TLS on every listener unless it is
// loopback-only and plain by choice (the health port), keep-alive, bounded headers and bodies,
// read timeouts, graceful stop.
//
// Two pools of threads: the network threads read, parse and write (each connection on its own
// strand) and never wait on a peer; the handler threads may (an STS round trip, an fsync), so a
// slow peer holds back only the requests that need it. A handler runs first on the network
// thread, where most requests finish (a cached token, a health check, a review); code about to
// wait asks MayWait(), and on a network thread the answer is no: the request is then run again
// on a handler thread and the first answer dropped. A listener whose every request waits (the
// EKS API's store writes) runs on the handler threads from the start. A handler may hand back a
// Forward (relayed to an upstream, http/relay.h) or a ResponseStream (chunks over time);
// neither holds a thread while it waits.
//
// Malformed HTTP gets the answer Go's net/http gives (400, 431, 505, or the plain-HTTP-to-TLS
// text) and the connection is closed. Each listener keeps at most max_connections open (see
// http/connection_registry.h); running out of file descriptors backs off instead of spinning.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http/headers.h"
#include "http/upstream.h"
#include "util/error.h"

namespace kubeiam::http {

struct HttpRequest {
  std::string method;
  std::string target;  // path and query as sent
  Headers headers;
  std::string body;
  std::string remote;  // client address:port
  const std::string* Header(std::string_view name) const;
  std::string Path() const { return target.substr(0, target.find('?')); }
};

// An answer the server writes as chunks over time (a watch on kubeiam's own objects): Poll runs
// at once and then every Interval() (250 ms unless it says otherwise) on the connection's strand, never concurrently, until it
// returns false or the client hangs up.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // Appends what is new to `out`; false when the answer is complete.
  virtual bool Poll(std::string& out) = 0;
  // How long to wait between polls (a store-fed watch polls more often than a folder's).
  virtual std::chrono::milliseconds Interval() const { return std::chrono::milliseconds(250); }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  Headers headers;
  // Set: the server relays this request upstream and streams that answer instead (the fields
  // above are then unused).
  std::shared_ptr<const Forward> forward;
  // Set: the body is this stream's chunks (status, content type and headers still apply).
  std::shared_ptr<ResponseStream> stream;
};

using Handler = std::function<HttpResponse(const HttpRequest&)>;

// Whether this thread may wait on a peer. False while a network thread runs a handler, where it
// also marks the request to be run again on a handler thread; the caller then gives up at once
// (any answer will do: it is dropped) and, when it logs or counts, checks WaitRefused() first.
// True everywhere else (handler threads, commands, tests).
bool MayWait();
bool WaitRefused();

struct ListenerOptions {
  std::string address = "127.0.0.1";
  int port = 0;               // 0: pick a free port
  std::string cert_file;      // PEM; both empty means plain HTTP (allowed on loopback only)
  std::string key_file;
  size_t max_body = 1 << 20;
  std::chrono::milliseconds read_timeout{10000};
  std::string name = "main";               // for logs and metrics
  enum class Threads { kNetworkFirst, kHandler };
  Threads threads = Threads::kNetworkFirst;
  size_t max_connections = 4096;
};

// Something the server counts: "accept_errors" (EMFILE and the like), "connections_refused",
// "connections_evicted", "malformed_requests".
using EventCounter = std::function<void(std::string_view event, std::string_view listener)>;

class HttpServer {
 public:
  HttpServer(int network_threads, int handler_threads);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting (once Start runs). Returns the bound port. Errors: bad address,
  // port in use, unreadable certificate or key, plain HTTP on a non-loopback address.
  Result<int> Listen(const ListenerOptions& options, Handler handler);
  void Start();  // runs the pool in the background
  void Stop();   // stops accepting, closes idle connections, joins the pool
  // Set before Listen; called from any thread.
  void SetEventCounter(EventCounter counter);
  // Open connections per listener name.
  std::vector<std::pair<std::string, size_t>> OpenConnections() const;
  // Connections closed since start, over every listener (a hint for returning memory).
  uint64_t ClosedConnections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kubeiam::http
