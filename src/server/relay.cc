#include "server/relay.h"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

#include "util/strings.h"

namespace kubeiam::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct UpstreamConnection {
  std::shared_ptr<const Upstream> upstream;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  std::optional<beast::tcp_stream> plain;
  beast::flat_buffer buffer;
  bool reused = false;

  beast::tcp_stream& Lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};

UpstreamSlot::UpstreamSlot() = default;
UpstreamSlot::~UpstreamSlot() = default;

namespace {

using Parser = bhttp::response_parser<bhttp::buffer_body>;
using Serializer = bhttp::response_serializer<bhttp::buffer_body>;

std::string Why(const boost::system::error_code& ec) {
  return ec == beast::error::timeout ? std::string("timed out") : ec.message();
}

bool IsIpLiteral(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// Calls `f` with the connection's stream, TLS or plain: both give the same awaitable type.
// `f` must outlive the awaitable it returns: pass a temporary in the co_await's own expression.
template <typename F>
auto WithStream(UpstreamConnection& c, F&& f) {
  return c.tls ? f(*c.tls) : f(*c.plain);
}

asio::awaitable<std::string> Connect(UpstreamConnection& c, std::chrono::milliseconds timeout) {
  auto ex = co_await asio::this_coro::executor;
  const UpstreamUrl& url = c.upstream->url();
  tcp::resolver resolver(ex);
  auto [rec, endpoints] = co_await resolver.async_resolve(url.host, url.port, kTuple);
  if (rec) co_return "resolving " + url.host + ": " + rec.message();
  if (auto* ctx = c.upstream->tls_context()) {
    c.tls.emplace(ex, *ctx);
    beast::get_lowest_layer(*c.tls).expires_after(timeout);
    auto [cec, ep] = co_await beast::get_lowest_layer(*c.tls).async_connect(endpoints, kTuple);
    if (cec) co_return "connecting to " + url.host_header + ": " + Why(cec);
    boost::system::error_code nec;
    beast::get_lowest_layer(*c.tls).socket().set_option(tcp::no_delay(true), nec);
    // The upstream's certificate must name the host of the configured URL.
    SSL_set1_host(c.tls->native_handle(), url.host.c_str());
    if (!IsIpLiteral(url.host)) SSL_set_tlsext_host_name(c.tls->native_handle(), url.host.c_str());
    auto [hec] = co_await c.tls->async_handshake(asio::ssl::stream_base::client, kTuple);
    if (hec) co_return "TLS handshake with " + url.host_header + ": " + Why(hec);
  } else {
    c.plain.emplace(ex);
    c.plain->expires_after(timeout);
    auto [cec, ep] = co_await c.plain->async_connect(endpoints, kTuple);
    if (cec) co_return "connecting to " + url.host_header + ": " + Why(cec);
    boost::system::error_code nec;
    c.plain->socket().set_option(tcp::no_delay(true), nec);
  }
  co_return "";
}

// Sends the request and reads the answer's header.
template <typename Up>
asio::awaitable<std::string> Exchange(Up& up, UpstreamConnection& c, bhttp::request<bhttp::string_body>& req,
                                      Parser& parser, std::chrono::milliseconds timeout) {
  const std::string& host = c.upstream->url().host_header;
  c.Lowest().expires_after(timeout);
  auto [wec, wn] = co_await bhttp::async_write(up, req, kTuple);
  if (wec) co_return "sending to " + host + ": " + Why(wec);
  c.Lowest().expires_after(timeout);
  auto [rec, rn] = co_await bhttp::async_read_header(up, c.buffer, parser, kTuple);
  if (rec) co_return "reading the answer of " + host + ": " + Why(rec);
  co_return "";
}

// Copies bytes one way until either side closes.
template <typename From, typename To>
asio::awaitable<void> Pump(From& from, To& to) {
  char buf[16384];
  while (true) {
    auto [ec, n] = co_await from.async_read_some(asio::buffer(buf), kTuple);
    if (n > 0) {
      auto [wec, wn] = co_await asio::async_write(to, asio::buffer(buf, n), kTuple);
      if (wec) co_return;
    }
    if (ec) co_return;
  }
}

// Ends when the client hangs up (or speaks: a streaming answer is its request's last).
template <typename Client>
asio::awaitable<void> Hangup(Client& client, beast::flat_buffer& buffer) {
  auto [ec, n] = co_await client.async_read_some(buffer.prepare(4096), kTuple);
  buffer.commit(n);
}

// Relays the answer's body as it arrives: each piece read from the upstream is written to the
// client before the next read. Returns "" once the whole answer went through.
template <typename Client, typename Up>
asio::awaitable<std::string> Body(Client& client, Up& up, UpstreamConnection& c, Parser& parser, Serializer& sr,
                                  std::chrono::milliseconds timeout, bool wait_forever) {
  auto& msg = parser.get();
  std::vector<char> buf(16384);
  do {
    if (!parser.is_done()) {
      msg.body().data = buf.data();
      msg.body().size = buf.size();
      if (wait_forever) {
        c.Lowest().expires_never();
      } else {
        c.Lowest().expires_after(timeout);
      }
      auto [ec, n] = co_await bhttp::async_read_some(up, c.buffer, parser, kTuple);
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) co_return "reading from the upstream: " + Why(ec);
      size_t got = buf.size() - msg.body().size;
      msg.body().data = got ? buf.data() : nullptr;
      msg.body().size = got;
      msg.body().more = !parser.is_done();
      if (!got && msg.body().more) continue;  // only framing so far (a chunk header)
    } else {
      msg.body().data = nullptr;
      msg.body().size = 0;
      msg.body().more = false;
    }
    beast::get_lowest_layer(client).expires_after(timeout);
    auto [wec, wn] = co_await bhttp::async_write(client, sr, kTuple);
    if (wec == bhttp::error::need_buffer) wec = {};
    if (wec) co_return "writing to the client: " + Why(wec);
  } while (!parser.is_done() || !sr.is_done());
  co_return "";
}

bool HasBody(const Parser& parser, bool head) {
  int status = int(parser.get().result_int());
  return !head && status / 100 != 1 && status != 204 && status != 304;
}

}  // namespace

template <typename ClientStream>
asio::awaitable<RelayOutcome> Relay(ClientStream& client, beast::flat_buffer& client_buffer, const Forward& forward,
                                    bool keep_alive, UpstreamSlot& slot, std::chrono::milliseconds timeout) {
  const UpstreamUrl& url = forward.upstream->url();
  bhttp::request<bhttp::string_body> req;
  req.method_string(forward.method);
  req.target(url.base_path + forward.target);
  req.version(11);
  for (const auto& [k, v] : forward.headers) req.insert(k, v);
  req.set(bhttp::field::host, url.host_header);
  if (std::string token = forward.upstream->Token(); !token.empty()) req.set(bhttp::field::authorization, "Bearer " + token);
  if (!forward.body.empty() || forward.method == "POST" || forward.method == "PUT" || forward.method == "PATCH") {
    req.body() = forward.body;
    req.prepare_payload();
  }
  if (!forward.upgrade) req.keep_alive(true);
  bool head = forward.method == "HEAD";
  bool idempotent = !forward.upgrade && (forward.method == "GET" || head || forward.method == "OPTIONS");

  for (int attempt = 0;; ++attempt) {
    if (slot.connection && slot.connection->upstream != forward.upstream) slot.connection.reset();
    if (!slot.connection) {
      auto fresh = std::make_unique<UpstreamConnection>();
      fresh->upstream = forward.upstream;
      std::string why = co_await Connect(*fresh, timeout);
      if (!why.empty()) co_return RelayOutcome{false, keep_alive, why};
      slot.connection = std::move(fresh);
    }
    UpstreamConnection& c = *slot.connection;
    bool was_reused = c.reused;
    Parser parser;
    parser.body_limit(boost::none);  // a watch has no end in sight
    parser.header_limit(64 * 1024);
    if (head) parser.skip(true);
    std::string why = co_await WithStream(c, [&](auto& up) { return Exchange(up, c, req, parser, timeout); });
    if (!why.empty()) {
      slot.connection.reset();
      // An idle connection the upstream closed meanwhile: a safe request goes once more.
      if (was_reused && idempotent && attempt == 0) continue;
      co_return RelayOutcome{false, keep_alive, why};
    }
    auto& msg = parser.get();
    msg.version(11);
    if (forward.upgrade && msg.result() == bhttp::status::switching_protocols) {
      // exec, attach, port-forward: from here on, bytes both ways until either side closes.
      Serializer sr{msg};
      beast::get_lowest_layer(client).expires_after(timeout);
      auto [hec, hn] = co_await bhttp::async_write_header(client, sr, kTuple);
      std::unique_ptr<UpstreamConnection> tunnel = std::move(slot.connection);
      if (hec) co_return RelayOutcome{true, false, ""};
      co_await WithStream(*tunnel, [&](auto& up) -> asio::awaitable<void> {
        // Bytes already read past the headers on either side go first.
        auto [e1, n1] = co_await asio::async_write(client, tunnel->buffer.data(), kTuple);
        auto [e2, n2] = co_await asio::async_write(up, client_buffer.data(), kTuple);
        client_buffer.consume(client_buffer.size());
        if (e1 || e2) co_return;
        beast::get_lowest_layer(client).expires_never();
        tunnel->Lowest().expires_never();
        co_await (Pump(client, up) || Pump(up, client));
      });
      co_return RelayOutcome{true, false, ""};
    }
    // The answer's own hop-by-hop headers stop here; its framing is the serializer's.
    bool upstream_keep = msg.keep_alive() && !forward.upgrade;
    msg.erase(bhttp::field::connection);
    msg.erase(bhttp::field::keep_alive);
    msg.erase("Proxy-Connection");
    if (HasBody(parser, head) && !parser.chunked() && !parser.content_length()) {
      msg.chunked(true);  // the upstream ends it by closing; the client gets chunks
      upstream_keep = false;
    }
    bool client_keep = keep_alive && !forward.streaming && !forward.upgrade;
    msg.keep_alive(client_keep);
    Serializer sr{msg};
    std::string failed;
    if (forward.streaming) {
      // The header at once: a watch's first event may be minutes away.
      beast::get_lowest_layer(client).expires_after(timeout);
      auto [hec, hn] = co_await bhttp::async_write_header(client, sr, kTuple);
      if (hec) {
        slot.connection.reset();
        co_return RelayOutcome{true, false, ""};
      }
      beast::get_lowest_layer(client).expires_never();
      auto done = co_await WithStream(c, [&](auto& up) -> asio::awaitable<std::string> {
        auto r = co_await (Body(client, up, c, parser, sr, timeout, true) || Hangup(client, client_buffer));
        co_return r.index() == 0 ? std::get<0>(r) : std::string("the client hung up");
      });
      failed = done;
    } else {
      // The header goes out with the first piece of the body: one write for a small answer.
      failed = co_await WithStream(c, [&](auto& up) { return Body(client, up, c, parser, sr, timeout, false); });
    }
    if (!failed.empty() || !upstream_keep || !parser.is_done()) {
      slot.connection.reset();
    } else {
      c.reused = true;
    }
    co_return RelayOutcome{true, failed.empty() && client_keep, ""};
  }
}

template asio::awaitable<RelayOutcome> Relay<beast::ssl_stream<beast::tcp_stream>>(
    beast::ssl_stream<beast::tcp_stream>&, beast::flat_buffer&, const Forward&, bool, UpstreamSlot&,
    std::chrono::milliseconds);
template asio::awaitable<RelayOutcome> Relay<beast::tcp_stream>(beast::tcp_stream&, beast::flat_buffer&,
                                                                 const Forward&, bool, UpstreamSlot&,
                                                                 std::chrono::milliseconds);

}  // namespace kubeiam::server
