#include "http/relay.h"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

#include "http/tls_stream.h"
#include "http/tls_client.h"
#include "util/strings.h"

namespace kubeiam::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// How long the upstream may take to answer (and between pieces of a finite answer): the API
// server's own request timeout.
constexpr std::chrono::seconds kAnswerTimeout(60);
// An upgraded connection with no traffic either way is closed after this (kubelet's default).
constexpr std::chrono::hours kTunnelIdle(4);
// An idle upstream connection older than this is not trusted to be open any more.
constexpr std::chrono::seconds kMaxIdle(30);

struct UpstreamConnection {
  std::shared_ptr<const Upstream> upstream;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  std::optional<beast::tcp_stream> plain;
  beast::flat_buffer buffer;
  bool reused = false;
  std::chrono::steady_clock::time_point idle_since;
  // Where answer bodies pass through, kept with the connection (not zeroed, not per request).
  static constexpr size_t kBodyBuffer = 16384;
  std::unique_ptr<char[]> body{new char[kBodyBuffer]};

  beast::tcp_stream& Lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};

UpstreamSlot::UpstreamSlot() = default;
UpstreamSlot::~UpstreamSlot() = default;

namespace {

using Parser = bhttp::response_parser<bhttp::buffer_body>;
using Serializer = bhttp::response_serializer<bhttp::buffer_body>;

// What failed, with the error code to decide whether a retry is safe.
struct Step {
  boost::system::error_code ec;
  std::string why;
  bool ok() const { return why.empty(); }
};

std::string Why(const boost::system::error_code& ec) {
  return ec == beast::error::timeout ? std::string("timed out") : ec.message();
}

// The upstream closed the connection (an idle keep-alive it gave up on), as opposed to a timeout.
bool Closed(const boost::system::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::ssl::error::stream_truncated;
}

void Tune(tcp::socket& s) {
  boost::system::error_code ec;
  s.set_option(tcp::no_delay(true), ec);  // answers go out in pieces: no Nagle delay
  s.set_option(asio::socket_base::keep_alive(true), ec);  // a silently gone peer is noticed
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
    Tune(beast::get_lowest_layer(*c.tls).socket());
    // The upstream's certificate must name the host of the configured URL.
    ExpectPeerName(c.tls->native_handle(), url.host);
    auto [hec] = co_await c.tls->async_handshake(asio::ssl::stream_base::client, kTuple);
    if (hec) co_return "TLS handshake with " + url.host_header + ": " + Why(hec);
  } else {
    c.plain.emplace(ex);
    c.plain->expires_after(timeout);
    auto [cec, ep] = co_await c.plain->async_connect(endpoints, kTuple);
    if (cec) co_return "connecting to " + url.host_header + ": " + Why(cec);
    Tune(c.plain->socket());
  }
  co_return "";
}

template <typename Up>
asio::awaitable<Step> Send(Up& up, UpstreamConnection& c, bhttp::request<bhttp::string_body>& req,
                           std::chrono::milliseconds timeout) {
  c.Lowest().expires_after(timeout);
  auto [ec, n] = co_await bhttp::async_write(up, req, kTuple);
  if (ec) co_return Step{ec, "sending to " + c.upstream->url().host_header + ": " + Why(ec)};
  co_return Step{};
}

// Reads the answer's header, skipping interim answers (1xx but 101): they are not the answer.
// No timeout for a streaming request: a quiet container's `logs -f` answers at its first line.
template <typename Up>
asio::awaitable<Step> ReadHeader(Up& up, UpstreamConnection& c, std::optional<Parser>& parser, bool head,
                                 bool wait_forever) {
  // A few interim answers are normal (100, 103); an upstream that sends nothing else is not.
  for (int interim = 0; interim < 8; ++interim) {
    parser.emplace();
    parser->body_limit(boost::none);  // a watch has no end in sight
    parser->header_limit(64 * 1024);
    if (head) parser->skip(true);
    if (wait_forever) {
      c.Lowest().expires_never();
    } else {
      c.Lowest().expires_after(kAnswerTimeout);
    }
    auto [ec, n] = co_await bhttp::async_read_header(up, c.buffer, *parser, kTuple);
    if (ec) co_return Step{ec, "reading the answer of " + c.upstream->url().host_header + ": " + Why(ec)};
    unsigned status = parser->get().result_int();
    if (status / 100 != 1 || status == 101) co_return Step{};
  }
  co_return Step{{}, c.upstream->url().host_header + " sent only interim answers"};
}

// Copies bytes one way until either side closes or the tunnel has been idle too long.
template <typename From, typename To>
asio::awaitable<void> Pump(From& from, To& to, std::chrono::milliseconds write_timeout) {
  char buf[16384];
  while (true) {
    // With the other direction's operations pending, these set only this direction's timer.
    beast::get_lowest_layer(from).expires_after(kTunnelIdle);
    auto [ec, n] = co_await from.async_read_some(asio::buffer(buf), kTuple);
    if (n > 0) {
      beast::get_lowest_layer(to).expires_after(write_timeout);
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
// client before the next read (the header goes with the first piece unless already sent).
// Returns "" once the whole answer went through.
template <typename Client, typename Up>
asio::awaitable<std::string> Body(Client& client, Up& up, UpstreamConnection& c, Parser& parser, Serializer& sr,
                                  std::chrono::milliseconds timeout, bool wait_forever) {
  auto& msg = parser.get();
  char* buf = c.body.get();
  do {
    if (!parser.is_done()) {
      msg.body().data = buf;
      msg.body().size = UpstreamConnection::kBodyBuffer;
      if (wait_forever) {
        c.Lowest().expires_never();
      } else {
        c.Lowest().expires_after(kAnswerTimeout);
      }
      auto [ec, n] = co_await bhttp::async_read_some(up, c.buffer, parser, kTuple);
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) co_return "reading from " + c.upstream->url().host_header + ": " + Why(ec);
      size_t got = UpstreamConnection::kBodyBuffer - msg.body().size;
      msg.body().data = got ? buf : nullptr;
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
  unsigned status = parser.get().result_int();
  return !head && status / 100 != 1 && status != 204 && status != 304;
}

// The request as it goes upstream: the handler's headers, the upstream's Host and kubeiam's
// own bearer token.
bhttp::request<bhttp::string_body> UpstreamRequest(const Forward& forward) {
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
  return req;
}

const RelayOutcome kClientGone{true, false, ""};  // the client connection is done with

// Sends the request and reads the answer's header into `parser`, on the slot's connection or a
// new one; an idle connection the upstream closed meanwhile is replaced once. nullopt once the
// header is in; else how the relay ends.
template <typename ClientStream>
asio::awaitable<std::optional<RelayOutcome>> Exchange(ClientStream& client, beast::flat_buffer& client_buffer,
                                                      const Forward& forward, bhttp::request<bhttp::string_body>& req,
                                                      bool keep_alive, UpstreamSlot& slot, std::optional<Parser>& parser,
                                                      std::chrono::milliseconds timeout) {
  bool head = forward.method == "HEAD";
  bool idempotent = !forward.upgrade && (forward.method == "GET" || head || forward.method == "OPTIONS");
  for (int attempt = 0;; ++attempt) {
    if (slot.connection && (slot.connection->upstream != forward.upstream ||
                            std::chrono::steady_clock::now() - slot.connection->idle_since > kMaxIdle)) {
      slot.connection.reset();
    }
    if (!slot.connection) {
      auto fresh = std::make_unique<UpstreamConnection>();
      fresh->upstream = forward.upstream;
      std::string why = co_await Connect(*fresh, timeout);
      if (!why.empty()) co_return std::optional<RelayOutcome>(RelayOutcome{false, keep_alive, why});
      slot.connection = std::move(fresh);
    }
    UpstreamConnection& c = *slot.connection;
    bool was_reused = c.reused;
    Step sent = co_await WithStream(c, [&](auto& up) { return Send(up, c, req, timeout); });
    Step answered;
    if (sent.ok() && forward.streaming) {
      // The client may leave before the upstream answers at all.
      beast::get_lowest_layer(client).expires_never();
      auto r = co_await WithStream(c, [&](auto& up) -> asio::awaitable<std::variant<Step, std::monostate>> {
        co_return co_await (ReadHeader(up, c, parser, head, true) || Hangup(client, client_buffer));
      });
      if (r.index() == 1) {
        slot.connection.reset();
        co_return std::optional<RelayOutcome>(kClientGone);
      }
      answered = std::get<0>(r);
    } else if (sent.ok()) {
      answered = co_await WithStream(c, [&](auto& up) { return ReadHeader(up, c, parser, head, false); });
    }
    if (sent.ok() && answered.ok()) co_return std::nullopt;
    slot.connection.reset();
    // Nothing was processed if the request could not be sent, and a safe request may go again
    // if the answer never started.
    bool stale = was_reused && attempt == 0 &&
                 ((!sent.ok() && Closed(sent.ec)) || (idempotent && !answered.ok() && Closed(answered.ec)));
    if (!stale) co_return std::optional<RelayOutcome>(RelayOutcome{false, keep_alive, sent.ok() ? answered.why : sent.why});
  }
}

// exec, attach, port-forward: after the 101, bytes both ways until either side closes.
template <typename ClientStream>
asio::awaitable<void> Tunnel(ClientStream& client, beast::flat_buffer& client_buffer, UpstreamSlot& slot, Parser& parser,
                             std::chrono::milliseconds timeout) {
  Serializer sr{parser.get()};
  beast::get_lowest_layer(client).expires_after(timeout);
  auto [hec, hn] = co_await bhttp::async_write_header(client, sr, kTuple);
  std::unique_ptr<UpstreamConnection> tunnel = std::move(slot.connection);
  if (hec) co_return;
  co_await WithStream(*tunnel, [&](auto& up) -> asio::awaitable<void> {
    // Bytes already read past the headers on either side go first.
    beast::get_lowest_layer(client).expires_after(timeout);
    auto [e1, n1] = co_await asio::async_write(client, tunnel->buffer.data(), kTuple);
    tunnel->Lowest().expires_after(timeout);
    auto [e2, n2] = co_await asio::async_write(up, client_buffer.data(), kTuple);
    client_buffer.consume(client_buffer.size());
    if (e1 || e2) co_return;
    co_await (Pump(client, up, timeout) || Pump(up, client, timeout));
  });
}

// The answer relayed to the client as it arrives; the connection kept for the next request if
// both sides allow it.
template <typename ClientStream>
asio::awaitable<RelayOutcome> Answer(ClientStream& client, beast::flat_buffer& client_buffer, const Forward& forward,
                                     bool keep_alive, bool upstream_keep, UpstreamSlot& slot, Parser& parser,
                                     std::chrono::milliseconds timeout) {
  UpstreamConnection& c = *slot.connection;
  auto& msg = parser.get();
  // The answer's own hop-by-hop headers stop here; its framing is the serializer's.
  msg.erase(bhttp::field::connection);
  msg.erase(bhttp::field::keep_alive);
  msg.erase("Proxy-Connection");
  bool body = HasBody(parser, forward.method == "HEAD");
  if (body && !parser.chunked() && !parser.content_length()) {
    msg.chunked(true);  // the upstream ends it by closing; the client gets chunks
    upstream_keep = false;
  }
  bool client_keep = keep_alive && !forward.streaming && !forward.upgrade;
  msg.keep_alive(client_keep);
  Serializer sr{msg};
  std::string failed;
  if (!body) {
    // HEAD, 204, 304: the header is the whole answer, whatever framing it announces.
    beast::get_lowest_layer(client).expires_after(timeout);
    auto [hec, hn] = co_await bhttp::async_write_header(client, sr, kTuple);
    if (hec) failed = "writing to the client: " + Why(hec);
  } else if (forward.streaming) {
    // The header at once: a watch's first event may be minutes away.
    beast::get_lowest_layer(client).expires_after(timeout);
    auto [hec, hn] = co_await bhttp::async_write_header(client, sr, kTuple);
    if (hec) {
      slot.connection.reset();
      co_return kClientGone;
    }
    beast::get_lowest_layer(client).expires_never();
    failed = co_await WithStream(c, [&](auto& up) -> asio::awaitable<std::string> {
      auto r = co_await (Body(client, up, c, parser, sr, timeout, true) || Hangup(client, client_buffer));
      co_return r.index() == 0 ? std::get<0>(r) : std::string("the client hung up");
    });
  } else {
    // The header goes out with the first piece of the body: one write for a small answer.
    failed = co_await WithStream(c, [&](auto& up) { return Body(client, up, c, parser, sr, timeout, false); });
  }
  if (!failed.empty() || !upstream_keep || !parser.is_done()) {
    slot.connection.reset();
  } else {
    c.reused = true;
    c.idle_since = std::chrono::steady_clock::now();
  }
  // Nothing reached the client yet: it gets a proper error instead of a bare close.
  if (!failed.empty() && !sr.is_header_done()) co_return RelayOutcome{false, keep_alive, failed};
  co_return RelayOutcome{true, failed.empty() && client_keep, ""};
}

}  // namespace

template <typename ClientStream>
asio::awaitable<RelayOutcome> Relay(ClientStream& client, beast::flat_buffer& client_buffer, const Forward& forward,
                                    bool keep_alive, UpstreamSlot& slot, std::chrono::milliseconds timeout) {
  auto req = UpstreamRequest(forward);
  std::optional<Parser> parser;
  std::optional<RelayOutcome> ended = co_await Exchange(client, client_buffer, forward, req, keep_alive, slot, parser, timeout);
  if (ended) co_return *ended;
  bool upstream_keep = parser->keep_alive() && !forward.upgrade;
  parser->get().version(11);
  if (forward.upgrade && parser->get().result() == bhttp::status::switching_protocols) {
    co_await Tunnel(client, client_buffer, slot, *parser, timeout);
    co_return kClientGone;
  }
  co_return co_await Answer(client, client_buffer, forward, keep_alive, upstream_keep, slot, *parser, timeout);
}

template <typename ClientStream>
asio::awaitable<bool> WriteStream(ClientStream& client, beast::flat_buffer& client_buffer, const HttpResponse& response,
                                  bool keep_alive, std::chrono::milliseconds timeout) {
  bhttp::response<bhttp::empty_body> head{bhttp::status(response.status), 11};
  head.set(bhttp::field::content_type, response.content_type);
  for (const auto& [k, v] : response.headers) head.insert(k, v);
  head.chunked(true);
  head.keep_alive(keep_alive);
  bhttp::response_serializer<bhttp::empty_body> sr{head};
  beast::get_lowest_layer(client).expires_after(timeout);
  auto [hec, hn] = co_await bhttp::async_write_header(client, sr, kTuple);
  if (hec) co_return false;
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer tick(ex);
  // Poll, write, wait; all the while one read on the client notices a hang-up (with that read
  // pending, expires_after sets only the write timer).
  auto loop = [&]() -> asio::awaitable<bool> {
    std::string out;
    while (true) {
      out.clear();
      bool more = response.stream->Poll(out);
      beast::get_lowest_layer(client).expires_after(timeout);
      if (!out.empty()) {
        auto [wec, wn] = co_await asio::async_write(client, bhttp::make_chunk(asio::buffer(out)), kTuple);
        if (wec) co_return false;
      }
      if (!more) {
        auto [lec, ln] = co_await asio::async_write(client, bhttp::make_chunk_last(), kTuple);
        co_return !lec;
      }
      tick.expires_after(response.stream->Interval());
      co_await tick.async_wait(kTuple);
    }
  };
  beast::get_lowest_layer(client).expires_never();
  auto r = co_await (loop() || Hangup(client, client_buffer));
  co_return r.index() == 0 && std::get<0>(r) && keep_alive;
}

template asio::awaitable<bool> WriteStream<TlsServerStream>(TlsServerStream&, beast::flat_buffer&, const HttpResponse&,
                                                           bool, std::chrono::milliseconds);
template asio::awaitable<bool> WriteStream<beast::tcp_stream>(beast::tcp_stream&, beast::flat_buffer&, const HttpResponse&,
                                                              bool, std::chrono::milliseconds);

template asio::awaitable<RelayOutcome> Relay<TlsServerStream>(TlsServerStream&, beast::flat_buffer&, const Forward&,
                                                             bool, UpstreamSlot&, std::chrono::milliseconds);
template asio::awaitable<RelayOutcome> Relay<beast::tcp_stream>(beast::tcp_stream&, beast::flat_buffer&,
                                                                 const Forward&, bool, UpstreamSlot&,
                                                                 std::chrono::milliseconds);

}  // namespace kubeiam::http
