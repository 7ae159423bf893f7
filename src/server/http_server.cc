#include "server/http_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>
#include <thread>

#include "server/relay.h"
#include "util/strings.h"

namespace kubeiam::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

template <typename Stream>
asio::awaitable<void> Serve(Stream& stream, std::shared_ptr<Handler> handler, ListenerOptions opts,
                            std::string remote) {
  beast::flat_buffer buffer;
  UpstreamSlot upstream;  // this connection's own connection to an upstream, if it proxies
  while (true) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(opts.max_body);
    parser.header_limit(32 * 1024);
    beast::get_lowest_layer(stream).expires_after(opts.read_timeout);
    auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout) co_return;
    HttpResponse res;
    bool keep_alive = false;
    if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit) {
      res = {413, "text/plain", "request too large\n", {}};
    } else if (ec) {
      co_return;  // malformed HTTP: nothing sensible to answer
    } else {
      auto& req = parser.get();
      HttpRequest r{std::string(req.method_string()), std::string(req.target()), {}, std::move(req.body()), remote};
      for (const auto& f : req) r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
      keep_alive = req.keep_alive();
      try {
        res = (*handler)(r);
      } catch (const std::exception& e) {
        res = {500, "text/plain", "internal error\n", {}};
      }
    }
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
    bhttp::response<bhttp::string_body> out{bhttp::status(res.status), 11};
    out.set(bhttp::field::content_type, res.content_type);
    for (const auto& [k, v] : res.headers) out.insert(k, v);
    out.body() = std::move(res.body);
    out.keep_alive(keep_alive);
    out.prepare_payload();
    beast::get_lowest_layer(stream).expires_after(opts.read_timeout);
    auto [wec, wn] = co_await bhttp::async_write(stream, out, asio::as_tuple(asio::use_awaitable));
    if (wec || !keep_alive) co_return;
  }
}

bool IsLoopback(const asio::ip::address& a) { return a.is_loopback(); }

}  // namespace

const std::string* HttpRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return &v;
  }
  return nullptr;
}

struct HttpServer::Impl {
  explicit Impl(int n) : io(n), threads_wanted(n) {}
  asio::io_context io;
  int threads_wanted;
  std::vector<std::thread> threads;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::vector<std::shared_ptr<asio::ssl::context>> ssl_contexts;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;

  asio::awaitable<void> Accept(tcp::acceptor& acceptor, std::shared_ptr<asio::ssl::context> ssl,
                               std::shared_ptr<Handler> handler, ListenerOptions opts) {
    while (acceptor.is_open()) {
      // Each connection on its own strand: a relayed stream reads and writes it concurrently.
      auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(io), asio::as_tuple(asio::use_awaitable));
      if (ec) {
        if (ec == asio::error::operation_aborted) co_return;
        continue;
      }
      std::string remote;
      boost::system::error_code rec;
      // A relayed answer goes out in pieces (header, then body as it arrives): no Nagle delay;
      // a long-lived stream notices a peer that vanished.
      socket.set_option(tcp::no_delay(true), rec);
      socket.set_option(asio::socket_base::keep_alive(true), rec);
      auto ep = socket.remote_endpoint(rec);
      if (!rec) remote = ep.address().to_string() + ":" + std::to_string(ep.port());
      auto executor = socket.get_executor();
      asio::co_spawn(
          executor,
          [ssl, handler, opts, remote, s = std::move(socket)]() mutable -> asio::awaitable<void> {
            beast::tcp_stream tcp(std::move(s));
            if (ssl) {
              beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp), *ssl);
              beast::get_lowest_layer(stream).expires_after(opts.read_timeout);
              auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server,
                                                           asio::as_tuple(asio::use_awaitable));
              if (hec) co_return;
              co_await Serve(stream, handler, opts, remote);
              beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
              co_await stream.async_shutdown(asio::as_tuple(asio::use_awaitable));
            } else {
              co_await Serve(tcp, handler, opts, remote);
              boost::system::error_code sec;
              tcp.socket().shutdown(tcp::socket::shutdown_send, sec);
            }
          },
          asio::detached);
    }
  }
};

HttpServer::HttpServer(int threads) : impl_(std::make_unique<Impl>(std::max(1, threads))) {}

HttpServer::~HttpServer() { Stop(); }

Result<int> HttpServer::Listen(const ListenerOptions& options, Handler handler) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options.address, ec);
  if (ec) return Fail(ErrorCode::kInvalidArgument, "address \"" + options.address + "\" is not an IP address");
  if (options.port < 0 || options.port > 65535) {
    return Fail(ErrorCode::kInvalidArgument, "port " + std::to_string(options.port) + " is not between 0 and 65535");
  }
  std::shared_ptr<asio::ssl::context> ssl;
  if (options.cert_file.empty() != options.key_file.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "a TLS listener needs both a certificate and a key");
  }
  if (options.cert_file.empty()) {
    if (!IsLoopback(address)) {
      return Fail(ErrorCode::kInvalidArgument, "plain HTTP is only allowed on loopback addresses, not " + options.address);
    }
  } else {
    ssl = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    ssl->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    ssl->use_certificate_chain_file(options.cert_file, ec);
    if (ec) return Fail(ErrorCode::kInvalidArgument, "cannot load certificate " + options.cert_file + ": " + ec.message());
    ssl->use_private_key_file(options.key_file, asio::ssl::context::pem, ec);
    if (ec) return Fail(ErrorCode::kInvalidArgument, "cannot load key " + options.key_file + ": " + ec.message());
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
  auto h = std::make_shared<Handler>(std::move(handler));
  asio::co_spawn(impl_->io, impl_->Accept(*acceptor, ssl, h, options), asio::detached);
  impl_->acceptors.push_back(std::move(acceptor));
  impl_->ssl_contexts.push_back(ssl);
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
}

}  // namespace kubeiam::server
