#include "http/http_server.h"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>

#include "http/connection_registry.h"
#include "http/relay.h"
#include "http/tls_stream.h"
#include "util/log.h"
#include "util/strings.h"

namespace kubeiam::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// What every connection of one listener shares.
struct Listener {
  std::shared_ptr<Handler> handler;
  ListenerOptions opts;
  asio::thread_pool* handlers = nullptr;
  std::shared_ptr<ConnectionRegistry> registry;
  std::shared_ptr<EventCounter> count;
};

// Set while a network thread runs a handler: waiting is refused there, and recorded.
thread_local bool in_network_handler = false;
thread_local bool wait_refused = false;

HttpResponse Call(const Handler& handler, const HttpRequest& request) {
  try {
    return handler(request);
  } catch (const std::exception&) {
    return {500, "text/plain", "internal error\n", {}};
  }
}

// Runs the handler here, on the network thread, unless it has to wait on a peer: then again on a
// handler thread, resuming on the connection's strand.
asio::awaitable<HttpResponse> Dispatch(const Listener& l, const HttpRequest& request) {
  if (l.opts.threads == ListenerOptions::Threads::kNetworkFirst) {
    wait_refused = false;
    in_network_handler = true;
    HttpResponse first = Call(*l.handler, request);
    in_network_handler = false;
    if (!wait_refused) co_return first;
    wait_refused = false;
  }
  co_return co_await asio::co_spawn(
      *l.handlers, [&]() -> asio::awaitable<HttpResponse> { co_return Call(*l.handler, request); },
      asio::use_awaitable);
}

HttpResponse VersionNotSupported() {
  return {505, "text/plain; charset=utf-8", "505 HTTP Version Not Supported: unsupported protocol version\n", {}};
}

// The answer to a request Beast could not parse, as Go's net/http words it. `head` is what was
// read: a well-formed request line with another HTTP version (the HTTP/2 preface) gets 505.
HttpResponse MalformedAnswer(const boost::system::error_code& ec, std::string_view head) {
  std::string_view line = head.substr(0, head.find("\r\n"));
  if (ec == bhttp::error::bad_version && (line.ends_with(" HTTP/2.0") || line.ends_with(" HTTP/3.0"))) {
    return VersionNotSupported();
  }
  if (ec == bhttp::error::body_limit) return {413, "text/plain; charset=utf-8", "request too large\n", {}};
  if (ec == bhttp::error::header_limit) {
    return {431, "text/plain; charset=utf-8", "431 Request Header Fields Too Large\n", {}};
  }
  return {400, "text/plain; charset=utf-8", "400 Bad Request: " + ec.message() + "\n", {}};
}

bool ClientWentAway(const boost::system::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout ||
         ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
         ec == asio::ssl::error::stream_truncated || ec == bhttp::error::partial_message;
}

HttpRequest ToRequest(bhttp::request<bhttp::string_body>& req, const std::string& remote) {
  HttpRequest r{std::string(req.method_string()), std::string(req.target()), {}, std::move(req.body()), remote};
  for (const auto& f : req) r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  return r;
}

template <typename Stream>
asio::awaitable<bool> Write(Stream& stream, HttpResponse res, bool keep_alive, std::chrono::milliseconds timeout) {
  bhttp::response<bhttp::string_body> out{bhttp::status(res.status), 11};
  out.set(bhttp::field::content_type, res.content_type);
  for (const auto& [k, v] : res.headers) out.insert(k, v);
  out.body() = std::move(res.body);
  out.keep_alive(keep_alive);
  out.prepare_payload();
  beast::get_lowest_layer(stream).expires_after(timeout);
  auto [ec, n] = co_await bhttp::async_write(stream, out, kTuple);
  co_return !ec && keep_alive;
}

// One connection's requests, in order, until it closes, fails to parse or goes idle too long.
template <typename Stream>
asio::awaitable<void> Serve(Stream& stream, const Listener& l, std::string remote, ConnectionRegistry::Handle& handle) {
  const ListenerOptions& opts = l.opts;
  beast::flat_buffer buffer;
  UpstreamSlot upstream;  // this connection's own connection to an upstream, if it proxies
  while (true) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(opts.max_body);
    parser.header_limit(32 * 1024);
    if (buffer.size() == 0) buffer.shrink_to_fit();  // an idle connection keeps no read buffer
    handle.SetIdle(buffer.size() == 0);
    beast::get_lowest_layer(stream).expires_after(opts.read_timeout);
    auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
    handle.SetIdle(false);
    if (ec && (ClientWentAway(ec) || (ec == bhttp::error::need_more && buffer.size() == 0))) co_return;
    auto& req = parser.get();
    if (ec || (req.version() != 10 && req.version() != 11)) {
      // Answered, counted, and the connection closed.
      (*l.count)("malformed_requests", opts.name);
      std::string_view head(static_cast<const char*>(buffer.data().data()), std::min<size_t>(buffer.size(), 256));
      // A named local, not a conditional in the co_await: GCC 12 destroys such temporaries twice.
      HttpResponse refusal = ec ? MalformedAnswer(ec, head) : VersionNotSupported();
      co_await Write(stream, std::move(refusal), false, opts.read_timeout);
      co_return;
    }
    bool keep_alive = req.keep_alive();
    HttpRequest request = ToRequest(req, remote);
    HttpResponse res = co_await Dispatch(l, request);
    if (res.forward) {
      auto relayed = co_await Relay(stream, buffer, *res.forward, keep_alive, upstream, opts.read_timeout);
      if (relayed.answered) {
        if (!relayed.keep_alive) co_return;
        continue;
      }
      res = res.forward->on_failure(relayed.failure);
    }
    if (res.stream) {
      if (!co_await WriteStream(stream, buffer, res, keep_alive, opts.read_timeout)) co_return;
      continue;
    }
    if (!co_await Write(stream, std::move(res), keep_alive, opts.read_timeout)) co_return;
  }
}

// A plain HTTP request sent to a TLS port (its first byte a method's capital letter, never a
// TLS record type) is answered in plain text, as Go does, rather than failing the handshake.
// Points `current` at a connection's stream while it lives (for ConnectionRegistry's close).
struct Current {
  Current(beast::tcp_stream*& slot, beast::tcp_stream& stream) : slot(slot) { slot = &stream; }
  ~Current() { slot = nullptr; }
  beast::tcp_stream*& slot;
};

asio::awaitable<void> ServeTls(beast::tcp_stream tcp, const Listener& l, std::shared_ptr<asio::ssl::context> ssl,
                               std::string remote, ConnectionRegistry::Handle& handle, beast::tcp_stream*& current) {
  Current tracked(current, tcp);
  // The first bytes decide between a handshake and the plain-HTTP answer.
  std::string first(1024, '\0');
  tcp.expires_after(l.opts.read_timeout);
  handle.SetIdle(true);
  auto [rec, rn] = co_await tcp.async_read_some(asio::buffer(first), kTuple);
  handle.SetIdle(false);
  if (rec) co_return;
  first.resize(rn);
  if (first[0] >= 'A' && first[0] <= 'Z') {
    static constexpr std::string_view kAnswer =
        "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";
    (*l.count)("malformed_requests", l.opts.name);
    co_await asio::async_write(tcp, asio::buffer(kAnswer), kTuple);
    co_return;
  }
  TlsServerStream stream(std::move(tcp), ssl->native_handle(), asio::buffer(first));
  std::string().swap(first);  // not kept for the connection's life
  Current moved(current, stream.next_layer());
  stream.next_layer().expires_after(l.opts.read_timeout);
  auto [hec, hn] = co_await stream.async_handshake(kTuple);
  if (hec) co_return;
  co_await Serve(stream, l, remote, handle);
  stream.next_layer().expires_after(std::chrono::seconds(2));
  co_await stream.async_shutdown(kTuple);
}

asio::awaitable<void> ServePlain(beast::tcp_stream tcp, const Listener& l, std::string remote,
                                 ConnectionRegistry::Handle& handle, beast::tcp_stream*& current) {
  Current tracked(current, tcp);
  co_await Serve(tcp, l, remote, handle);
  boost::system::error_code sec;
  tcp.socket().shutdown(tcp::socket::shutdown_send, sec);
}

std::string RemoteOf(const tcp::socket& socket) {
  boost::system::error_code ec;
  auto ep = socket.remote_endpoint(ec);
  return ec ? std::string() : ep.address().to_string() + ":" + std::to_string(ep.port());
}

bool OutOfDescriptors(const boost::system::error_code& ec) {
  return ec == asio::error::no_descriptors || ec.value() == ENFILE || ec == asio::error::no_buffer_space ||
         ec == asio::error::no_memory;
}

}  // namespace

bool MayWait() {
  if (!in_network_handler) return true;
  wait_refused = true;
  return false;
}

bool WaitRefused() { return in_network_handler && wait_refused; }

const std::string* HttpRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return &v;
  }
  return nullptr;
}

struct HttpServer::Impl {
  Impl(int n, int handler_threads) : io(n), threads_wanted(n), handlers(handler_threads) {}
  asio::io_context io;
  int threads_wanted;
  asio::thread_pool handlers;
  std::vector<std::thread> threads;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::vector<std::shared_ptr<asio::ssl::context>> ssl_contexts;
  std::vector<std::shared_ptr<Listener>> listeners;
  std::shared_ptr<EventCounter> count = std::make_shared<EventCounter>([](std::string_view, std::string_view) {});
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;

  asio::awaitable<void> Accept(tcp::acceptor& acceptor, std::shared_ptr<asio::ssl::context> ssl,
                               std::shared_ptr<Listener> l);
  asio::awaitable<void> BackOff(std::chrono::milliseconds& delay, const Listener& l,
                                const boost::system::error_code& ec);
  void Spawn(tcp::socket socket, std::shared_ptr<asio::ssl::context> ssl, std::shared_ptr<Listener> l);
};

// Out of file descriptors: accepting again at once would fail again at once (a busy loop). Free
// one by closing the longest-idle connection, wait, and say so once per minute.
asio::awaitable<void> HttpServer::Impl::BackOff(std::chrono::milliseconds& delay, const Listener& l,
                                                const boost::system::error_code& ec) {
  static std::atomic<int64_t> last_log{0};
  (*l.count)("accept_errors", l.opts.name);
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  int64_t last = last_log.load();
  if (now - last >= 60 && last_log.compare_exchange_strong(last, now)) {
    Log(LogLevel::kError, "cannot accept connections; backing off",
        {{"listener", l.opts.name}, {"error", ec.message()}, {"openConnections", l.registry->open()}});
  }
  l.registry->EvictOldestIdle();
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  co_await timer.async_wait(kTuple);
  delay = std::min(delay * 2, std::chrono::milliseconds(1000));
}

asio::awaitable<void> HttpServer::Impl::Accept(tcp::acceptor& acceptor, std::shared_ptr<asio::ssl::context> ssl,
                                               std::shared_ptr<Listener> l) {
  std::chrono::milliseconds delay(10);
  while (acceptor.is_open()) {
    // Each connection on its own strand: a relayed stream reads and writes it concurrently.
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(io), kTuple);
    if (ec == asio::error::operation_aborted) co_return;
    if (ec && OutOfDescriptors(ec)) {
      co_await BackOff(delay, *l, ec);
      continue;
    }
    if (ec) continue;
    delay = std::chrono::milliseconds(10);
    Spawn(std::move(socket), ssl, l);
  }
}

void HttpServer::Impl::Spawn(tcp::socket socket, std::shared_ptr<asio::ssl::context> ssl, std::shared_ptr<Listener> l) {
  boost::system::error_code ec;
  // A relayed answer goes out in pieces (header, then body as it arrives): no Nagle delay; a
  // long-lived stream notices a peer that vanished.
  socket.set_option(tcp::no_delay(true), ec);
  socket.set_option(asio::socket_base::keep_alive(true), ec);
  std::string remote = RemoteOf(socket);
  auto executor = socket.get_executor();
  // The registry may ask this connection to close. The request runs on the connection's strand,
  // where `current` (set only there) points at the connection's stream while it exists.
  auto current = std::make_shared<beast::tcp_stream*>(nullptr);
  auto admitted = l->registry->Admit([executor, current] {
    asio::post(executor, [current] {
      boost::system::error_code ignored;
      if (*current) (*current)->socket().close(ignored);
    });
  });
  if (admitted.admission == ConnectionRegistry::Admission::kRefused) {
    (*l->count)("connections_refused", l->opts.name);
    return;  // the socket closes as it goes
  }
  if (admitted.admission == ConnectionRegistry::Admission::kAdmittedAfterEviction) {
    (*l->count)("connections_evicted", l->opts.name);
  }
  asio::co_spawn(
      executor,
      [s = std::move(socket), current, ssl, l, remote, handle = std::move(admitted.handle)]() mutable
      -> asio::awaitable<void> {
        if (ssl) {
          co_await ServeTls(beast::tcp_stream(std::move(s)), *l, ssl, remote, *handle, *current);
        } else {
          co_await ServePlain(beast::tcp_stream(std::move(s)), *l, remote, *handle, *current);
        }
      },
      asio::detached);
}

HttpServer::HttpServer(int network_threads, int handler_threads)
    : impl_(std::make_unique<Impl>(std::max(1, network_threads), std::max(1, handler_threads))) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::SetEventCounter(EventCounter counter) { impl_->count = std::make_shared<EventCounter>(std::move(counter)); }

std::vector<std::pair<std::string, size_t>> HttpServer::OpenConnections() const {
  std::vector<std::pair<std::string, size_t>> out;
  for (const auto& l : impl_->listeners) out.emplace_back(l->opts.name, l->registry->open());
  return out;
}

uint64_t HttpServer::ClosedConnections() const {
  uint64_t total = 0;
  for (const auto& l : impl_->listeners) total += l->registry->closed_total();
  return total;
}

namespace {

Result<std::shared_ptr<asio::ssl::context>> TlsContext(const ListenerOptions& options) {
  boost::system::error_code ec;
  auto ssl = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  ssl->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
  // OpenSSL's record buffers (tens of KB a connection) are freed while a connection is idle.
  SSL_CTX_set_mode(ssl->native_handle(), SSL_MODE_RELEASE_BUFFERS);
  // Resumption uses tickets, which the server does not store: a session cache would keep memory
  // for every client long after it left. No renegotiation: a write never waits for a read.
  SSL_CTX_set_session_cache_mode(ssl->native_handle(), SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ssl->native_handle(), SSL_OP_NO_RENEGOTIATION);
  ssl->use_certificate_chain_file(options.cert_file, ec);
  if (ec) return Fail(ErrorCode::kInvalidArgument, "cannot load certificate " + options.cert_file + ": " + ec.message());
  ssl->use_private_key_file(options.key_file, asio::ssl::context::pem, ec);
  if (ec) return Fail(ErrorCode::kInvalidArgument, "cannot load key " + options.key_file + ": " + ec.message());
  return ssl;
}

}  // namespace

Result<int> HttpServer::Listen(const ListenerOptions& options, Handler handler) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options.address, ec);
  if (ec) return Fail(ErrorCode::kInvalidArgument, "address \"" + options.address + "\" is not an IP address");
  if (options.port < 0 || options.port > 65535) {
    return Fail(ErrorCode::kInvalidArgument, "port " + std::to_string(options.port) + " is not between 0 and 65535");
  }
  if (options.cert_file.empty() != options.key_file.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "a TLS listener needs both a certificate and a key");
  }
  std::shared_ptr<asio::ssl::context> ssl;
  if (options.cert_file.empty()) {
    if (!address.is_loopback()) {
      return Fail(ErrorCode::kInvalidArgument, "plain HTTP is only allowed on loopback addresses, not " + options.address);
    }
  } else {
    auto made = TlsContext(options);
    if (!made) return std::unexpected(made.error());
    ssl = *made;
  }
  auto acceptor = std::make_unique<tcp::acceptor>(impl_->io);
  tcp::endpoint ep(address, static_cast<unsigned short>(options.port));
  acceptor->open(ep.protocol(), ec);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(ep, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Fail(ErrorCode::kUnavailable,
                "cannot listen on " + options.address + ":" + std::to_string(options.port) + ": " + ec.message());
  }
  int port = acceptor->local_endpoint().port();
  auto l = std::make_shared<Listener>(Listener{std::make_shared<Handler>(std::move(handler)), options, &impl_->handlers,
                                               std::make_shared<ConnectionRegistry>(options.max_connections),
                                               impl_->count});
  asio::co_spawn(impl_->io, impl_->Accept(*acceptor, ssl, l), asio::detached);
  impl_->acceptors.push_back(std::move(acceptor));
  impl_->ssl_contexts.push_back(ssl);
  impl_->listeners.push_back(std::move(l));
  return port;
}

void HttpServer::Start() {
  if (!impl_->threads.empty()) return;
  impl_->work.emplace(impl_->io.get_executor());
  for (int i = 0; i < impl_->threads_wanted; ++i) impl_->threads.emplace_back([this] { impl_->io.run(); });
}

void HttpServer::Stop() {
  if (!impl_) return;
  asio::post(impl_->io, [this] {
    for (auto& a : impl_->acceptors) {
      boost::system::error_code ec;
      a->close(ec);
    }
  });
  impl_->work.reset();
  // Give in-flight requests a moment, then stop whatever is still open (idle keep-alives).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < deadline && !impl_->io.stopped()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  impl_->io.stop();
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  impl_->threads.clear();
  // Handlers still waiting on a peer finish within their own timeouts.
  impl_->handlers.stop();
  impl_->handlers.join();
}

}  // namespace kubeiam::http
