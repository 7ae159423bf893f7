#include "http/client.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <map>
#include <mutex>
#include <optional>

#include "http/tls_client.h"
#include "util/strings.h"

namespace kubeiam::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

struct Target {
  bool tls = false;
  std::string host;         // without brackets
  std::string host_header;  // as it goes in Host:
  std::string port;
  std::string path_and_query;
};

Result<Target> ParseTarget(const std::string& url) {
  auto u = boost::urls::parse_uri(url);
  if (!u) return Fail(ErrorCode::kInvalidArgument, "invalid URL: " + u.error().message());
  Target t;
  std::string scheme = ToLower(u->scheme());
  if (scheme == "https") {
    t.tls = true;
  } else if (scheme != "http") {
    return Fail(ErrorCode::kInvalidArgument, "URL scheme must be http or https, not " + scheme);
  }
  if (u->has_userinfo()) return Fail(ErrorCode::kInvalidArgument, "URL must not carry user information");
  t.host = u->host_address();
  if (t.host.empty()) return Fail(ErrorCode::kInvalidArgument, "URL has no host");
  t.port = u->has_port() ? std::string(u->port()) : (t.tls ? "443" : "80");
  t.host_header = std::string(u->encoded_host_and_port());
  t.path_and_query = std::string(u->encoded_path());
  if (t.path_and_query.empty()) t.path_and_query = "/";
  if (u->has_query()) t.path_and_query += "?" + std::string(u->encoded_query());
  return t;
}

// One connection with its own event loop, so a blocking caller can drive it with a deadline.
struct Connection {
  asio::io_context io;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  std::optional<beast::tcp_stream> plain;
  beast::flat_buffer buffer;
  bool reused = false;

  beast::tcp_stream& Lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};

// Runs `work` on the connection's loop until it finishes, `timeout` passes (none: the stream's
// own timers bound it) or `stop` is set. Returns "" on success, else what failed.
template <typename Work>
std::string Drive(Connection& c, std::optional<std::chrono::milliseconds> timeout, Work work,
                  const std::atomic<bool>* stop = nullptr) {
  std::string failure = "timed out";
  bool done = false;
  c.io.restart();
  asio::co_spawn(c.io, work(), [&](std::exception_ptr e) {
    done = true;
    if (!e) {
      failure.clear();
      return;
    }
    try {
      std::rethrow_exception(e);
    } catch (const boost::system::system_error& se) {
      failure = se.code() == beast::error::timeout ? std::string("timed out") : se.code().message();
    } catch (const std::exception& ex) {
      failure = ex.what();
    }
  });
  // The stream's own timer bounds each step; this bounds the resolver too. Short turns, so
  // that `stop` ends a quiet stream promptly.
  auto deadline = std::chrono::steady_clock::now() + timeout.value_or(std::chrono::hours(24 * 365)) + std::chrono::milliseconds(100);
  while (!done && std::chrono::steady_clock::now() < deadline) {
    if (stop && stop->load()) {
      c.io.stop();
      return "stopped";
    }
    c.io.run_for(std::min<std::chrono::steady_clock::duration>(std::chrono::milliseconds(100), deadline - std::chrono::steady_clock::now()));
  }
  if (!done) {
    c.io.stop();
    return "timed out";
  }
  return failure;
}

Result<std::unique_ptr<Connection>> Connect(const Target& t, const std::shared_ptr<asio::ssl::context>& ssl,
                                            std::chrono::milliseconds timeout, const std::atomic<bool>* stop = nullptr) {
  auto c = std::make_unique<Connection>();
  std::string stage = "connecting to";
  std::string failure = Drive(*c, timeout, [&]() -> asio::awaitable<void> {
    tcp::resolver resolver(c->io);
    auto endpoints = co_await resolver.async_resolve(t.host, t.port, asio::use_awaitable);
    if (t.tls) {
      c->tls.emplace(c->io, *ssl);
      beast::get_lowest_layer(*c->tls).expires_after(timeout);
      co_await beast::get_lowest_layer(*c->tls).async_connect(endpoints, asio::use_awaitable);
      ExpectPeerName(c->tls->native_handle(), t.host);
      stage = "TLS handshake with";
      co_await c->tls->async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
    } else {
      c->plain.emplace(c->io);
      c->plain->expires_after(timeout);
      co_await c->plain->async_connect(endpoints, asio::use_awaitable);
    }
  }, stop);
  if (!failure.empty()) return Fail(ErrorCode::kUnavailable, stage + " " + t.host_header + ": " + failure);
  return c;
}

// A fresh connection for one request: its own TLS setup, or one for its CA bundle.
Result<std::unique_ptr<Connection>> ConnectFor(const Target& t, const Request& request, std::chrono::milliseconds timeout,
                                               const std::atomic<bool>* stop = nullptr) {
  std::shared_ptr<asio::ssl::context> ssl = request.tls;
  if (t.tls && !ssl) {
    auto s = MakeTlsClientContext({.ca_file = request.ca_file});
    if (!s) return std::unexpected(s.error());
    ssl = *s;
  }
  return Connect(t, ssl, timeout, stop);
}

struct Exchanged {
  Response response;
  bool keep_alive = false;
};

bhttp::request<bhttp::string_body> MakeRequest(const Target& t, const Request& r, bool keep_alive) {
  bhttp::request<bhttp::string_body> req;
  req.method_string(r.method);
  req.target(t.path_and_query);
  req.version(11);
  bool has_host = false;
  for (const auto& [k, v] : r.headers) {
    if (EqualsIgnoreCase(k, "host")) has_host = true;
    req.insert(k, v);
  }
  if (!has_host) req.set(bhttp::field::host, t.host_header);
  req.keep_alive(keep_alive);
  if (!r.body.empty() || r.method == "POST" || r.method == "PUT") {
    req.body() = r.body;
    req.prepare_payload();
  }
  return req;
}

Result<Exchanged> Exchange(Connection& c, const Target& t, const Request& r, bool keep_alive) {
  auto req = MakeRequest(t, r, keep_alive);
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(r.max_body);
  parser.header_limit(64 * 1024);
  std::string failure = Drive(c, r.timeout, [&]() -> asio::awaitable<void> {
    c.Lowest().expires_after(r.timeout);
    if (c.tls) {
      co_await bhttp::async_write(*c.tls, req, asio::use_awaitable);
      co_await bhttp::async_read(*c.tls, c.buffer, parser, asio::use_awaitable);
    } else {
      co_await bhttp::async_write(*c.plain, req, asio::use_awaitable);
      co_await bhttp::async_read(*c.plain, c.buffer, parser, asio::use_awaitable);
    }
  });
  if (!failure.empty()) return Fail(ErrorCode::kUnavailable, "exchanging with " + t.host_header + ": " + failure);
  Exchanged out;
  auto& res = parser.get();
  out.keep_alive = res.keep_alive();
  out.response.status = int(res.result_int());
  for (const auto& f : res) out.response.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  out.response.body = std::move(res.body());
  return out;
}

// Reads the answer's header, then its body piece by piece as it arrives: a 2xx body goes to
// `sink` (which may end the exchange by returning false), any other is kept (bounded) in `out`.
template <typename Stream>
asio::awaitable<void> ReadStreamed(Connection& c, Stream& stream, const Request& r,
                                   bhttp::request<bhttp::string_body>& req, const BodySink& sink, Response& out) {
  c.Lowest().expires_after(r.timeout);
  co_await bhttp::async_write(stream, req, asio::use_awaitable);
  bhttp::response_parser<bhttp::buffer_body> parser;
  parser.body_limit(boost::none);
  parser.header_limit(64 * 1024);
  co_await bhttp::async_read_header(stream, c.buffer, parser, asio::use_awaitable);
  out.status = int(parser.get().result_int());
  for (const auto& f : parser.get()) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  bool to_sink = out.status / 100 == 2;
  if (to_sink && !sink(std::string_view())) co_return;  // the stream is open
  char piece[16384];
  while (!parser.is_done()) {
    parser.get().body().data = piece;
    parser.get().body().size = sizeof piece;
    c.Lowest().expires_after(r.timeout);  // the longest silence allowed
    auto [ec, n] = co_await bhttp::async_read_some(stream, c.buffer, parser, asio::as_tuple(asio::use_awaitable));
    if (ec && ec != bhttp::error::need_buffer) throw boost::system::system_error(ec);
    std::string_view got(piece, sizeof piece - parser.get().body().size);
    if (!to_sink) {
      if (out.body.size() + got.size() > r.max_body) throw std::runtime_error("body exceeds the limit");
      out.body.append(got);
    } else if (!sink(got)) {
      co_return;
    }
  }
}

std::string PoolKey(const Target& t, const std::string& ca_file) {
  return std::string(t.tls ? "https://" : "http://") + t.host + "|" + t.port + "|" + ca_file;
}

}  // namespace

const std::string* Response::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return &v;
  }
  return nullptr;
}

Result<Response> Fetch(const Request& request) {
  auto target = ParseTarget(request.url);
  if (!target) return std::unexpected(target.error());
  auto conn = ConnectFor(*target, request, request.timeout);
  if (!conn) return std::unexpected(conn.error());
  auto ex = Exchange(**conn, *target, request, false);
  if (!ex) return std::unexpected(ex.error());
  return std::move(ex->response);
}

Result<Response> FetchStream(const Request& request, const BodySink& sink, const std::atomic<bool>* stop) {
  auto target = ParseTarget(request.url);
  if (!target) return std::unexpected(target.error());
  // The timeout bounds silences in the stream; a connection takes at most 10 s of it.
  auto conn = ConnectFor(*target, request, std::min<std::chrono::milliseconds>(request.timeout, std::chrono::seconds(10)), stop);
  if (!conn) return std::unexpected(conn.error());
  Connection& c = **conn;
  auto req = MakeRequest(*target, request, false);
  Response out;
  std::string failure = Drive(
      c, std::nullopt,
      [&]() -> asio::awaitable<void> {
        if (c.tls) co_await ReadStreamed(c, *c.tls, request, req, sink, out);
        else co_await ReadStreamed(c, *c.plain, request, req, sink, out);
      },
      stop);
  if (!failure.empty()) return Fail(ErrorCode::kUnavailable, "reading from " + target->host_header + ": " + failure);
  return out;
}

struct BodyStream::Impl {
  std::unique_ptr<Connection> c;
  Request request;
  bhttp::request<bhttp::string_body> req;
  int status = 0;
  bool header = false, done = false;
  std::string buffer, failure;

  // Reads the header, then the body as it arrives into `buffer`, until the peer ends it.
  template <typename Stream>
  asio::awaitable<void> Pump(Stream& stream) {
    c->Lowest().expires_after(request.timeout);
    co_await bhttp::async_write(stream, req, asio::use_awaitable);
    bhttp::response_parser<bhttp::buffer_body> parser;
    parser.body_limit(boost::none);
    co_await bhttp::async_read_header(stream, c->buffer, parser, asio::use_awaitable);
    status = int(parser.get().result_int());
    header = true;
    char piece[16384];
    while (!parser.is_done()) {
      parser.get().body().data = piece;
      parser.get().body().size = sizeof piece;
      c->Lowest().expires_never();  // a watch may stay quiet for long; Read's wait bounds each turn
      auto [ec, n] = co_await bhttp::async_read_some(stream, c->buffer, parser, asio::as_tuple(asio::use_awaitable));
      if (ec && ec != bhttp::error::need_buffer) throw boost::system::system_error(ec);
      buffer.append(piece, sizeof piece - parser.get().body().size);
    }
  }

  // Runs the loop until `ready` holds, the exchange ends, or `until` passes.
  template <typename Ready>
  void RunUntil(std::chrono::steady_clock::time_point until, Ready ready) {
    while (!ready() && !done && std::chrono::steady_clock::now() < until) {
      c->io.run_one_for(until - std::chrono::steady_clock::now());
    }
  }
};

BodyStream::BodyStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

BodyStream::~BodyStream() {
  if (impl_ && impl_->c) impl_->c->io.stop();
}

Result<std::unique_ptr<BodyStream>> BodyStream::Open(const Request& request) {
  auto target = ParseTarget(request.url);
  if (!target) return std::unexpected(target.error());
  auto conn = ConnectFor(*target, request, request.timeout);
  if (!conn) return std::unexpected(conn.error());
  auto impl = std::make_unique<Impl>();
  impl->c = std::move(*conn);
  impl->request = request;
  impl->req = MakeRequest(*target, request, false);
  Impl* i = impl.get();
  i->c->io.restart();
  asio::co_spawn(
      i->c->io,
      [i]() -> asio::awaitable<void> {
        if (i->c->tls) co_await i->Pump(*i->c->tls);
        else co_await i->Pump(*i->c->plain);
      },
      [i](std::exception_ptr e) {
        i->done = true;
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const boost::system::system_error& se) {
          i->failure = se.code() == beast::error::timeout ? std::string("timed out") : se.code().message();
        } catch (const std::exception& ex) {
          i->failure = ex.what();
        }
      });
  i->RunUntil(std::chrono::steady_clock::now() + request.timeout, [i] { return i->header; });
  if (!i->header) {
    std::string why = i->failure.empty() ? "timed out" : i->failure;
    return Fail(ErrorCode::kUnavailable, "reading from " + target->host_header + ": " + why);
  }
  return std::unique_ptr<BodyStream>(new BodyStream(std::move(impl)));
}

int BodyStream::status() const { return impl_->status; }

bool BodyStream::ended() const { return impl_->done && impl_->buffer.empty(); }

Result<std::string> BodyStream::Read(std::chrono::milliseconds wait) {
  Impl& i = *impl_;
  if (!i.done) i.c->io.poll();  // what has arrived already, even with no wait
  i.RunUntil(std::chrono::steady_clock::now() + wait, [&] { return !i.buffer.empty(); });
  std::string out = std::move(i.buffer);
  i.buffer.clear();
  if (out.empty() && i.done && !i.failure.empty()) {
    return Fail(ErrorCode::kUnavailable, "the stream from " + i.request.url.substr(0, i.request.url.find('?')) + " failed: " + i.failure);
  }
  return out;
}

struct ConnectionPool::Impl {
  size_t max_idle;
  std::mutex mu;
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle;
  std::map<std::string, std::shared_ptr<asio::ssl::context>> contexts;  // by CA bundle
};

ConnectionPool::ConnectionPool(size_t max_idle_per_target) : impl_(std::make_unique<Impl>()) {
  impl_->max_idle = max_idle_per_target;
}

ConnectionPool::~ConnectionPool() = default;

Result<Response> ConnectionPool::Fetch(const Request& request) {
  auto target = ParseTarget(request.url);
  if (!target) return std::unexpected(target.error());
  std::string key = PoolKey(*target, request.ca_file);
  std::shared_ptr<asio::ssl::context> ssl;
  std::unique_ptr<Connection> conn;
  {
    std::lock_guard<std::mutex> l(impl_->mu);
    if (target->tls) {
      auto& ctx = impl_->contexts[request.ca_file];
      if (!ctx) {
        auto s = MakeTlsClientContext({.ca_file = request.ca_file});
        if (!s) {
          impl_->contexts.erase(request.ca_file);
          return std::unexpected(s.error());
        }
        ctx = *s;
      }
      ssl = ctx;
    }
    auto& list = impl_->idle[key];
    if (!list.empty()) {
      conn = std::move(list.back());
      list.pop_back();
    }
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!conn) {
      auto fresh = Connect(*target, ssl, request.timeout);
      if (!fresh) return std::unexpected(fresh.error());
      conn = std::move(*fresh);
    }
    bool was_reused = conn->reused;
    auto ex = Exchange(*conn, *target, request, true);
    if (!ex) {
      conn.reset();
      // The peer may have closed an idle connection; a GET is safe to send again once.
      if (was_reused && request.method == "GET") continue;
      return std::unexpected(ex.error());
    }
    if (ex->keep_alive) {
      conn->reused = true;
      std::lock_guard<std::mutex> l(impl_->mu);
      auto& list = impl_->idle[key];
      if (list.size() < impl_->max_idle) list.push_back(std::move(conn));
    }
    return std::move(ex->response);
  }
  return Fail(ErrorCode::kUnavailable, "exchanging with " + target->host_header + ": connection closed");
}

}  // namespace kubeiam::http
