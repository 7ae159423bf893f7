#include "http/client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <optional>

#include "util/strings.h"

namespace kubeiam::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

struct Target {
  bool tls = false;
  std::string host;       // without brackets
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
  std::string host_in_url = std::string(u->encoded_host_and_port());
  t.host_header = host_in_url;
  t.path_and_query = std::string(u->encoded_path());
  if (t.path_and_query.empty()) t.path_and_query = "/";
  if (u->has_query()) t.path_and_query += "?" + std::string(u->encoded_query());
  return t;
}

template <typename Stream>
asio::awaitable<void> Exchange(Stream& stream, bhttp::request<bhttp::string_body>& req,
                               bhttp::response_parser<bhttp::string_body>& parser) {
  co_await bhttp::async_write(stream, req, asio::use_awaitable);
  beast::flat_buffer buffer;
  co_await bhttp::async_read(stream, buffer, parser, asio::use_awaitable);
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

  bhttp::request<bhttp::string_body> req;
  req.method_string(request.method);
  req.target(target->path_and_query);
  req.version(11);
  bool has_host = false;
  for (const auto& [k, v] : request.headers) {
    if (EqualsIgnoreCase(k, "host")) has_host = true;
    req.insert(k, v);
  }
  if (!has_host) req.set(bhttp::field::host, target->host_header);
  req.set(bhttp::field::connection, "close");
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    req.body() = request.body;
    req.prepare_payload();
  }

  asio::io_context io;
  std::optional<asio::ssl::context> ssl;
  if (target->tls) {
    ssl.emplace(asio::ssl::context::tls_client);
    ssl->set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                     asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    if (!request.ca_file.empty()) {
      ssl->load_verify_file(request.ca_file, ec);
      if (ec) return Fail(ErrorCode::kInvalidArgument, "cannot load CA bundle " + request.ca_file + ": " + ec.message());
    } else {
      ssl->set_default_verify_paths(ec);
    }
    ssl->set_verify_mode(asio::ssl::verify_peer);
  }

  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(request.max_body);
  parser.header_limit(64 * 1024);
  std::string failure;
  std::string stage = "connecting to";
  bool done = false;

  auto run = [&]() -> asio::awaitable<void> {
    tcp::resolver resolver(io);
    auto endpoints = co_await resolver.async_resolve(target->host, target->port, asio::use_awaitable);
    if (target->tls) {
      beast::ssl_stream<beast::tcp_stream> stream(io, *ssl);
      beast::get_lowest_layer(stream).expires_after(request.timeout);
      co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::use_awaitable);
      // Host name verification and SNI (not for IP literals).
      SSL_set1_host(stream.native_handle(), target->host.c_str());
      if (target->host.find(':') == std::string::npos &&
          !std::all_of(target->host.begin(), target->host.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; })) {
        SSL_set_tlsext_host_name(stream.native_handle(), target->host.c_str());
      }
      stage = "TLS handshake with";
      co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
      stage = "exchanging with";
      co_await Exchange(stream, req, parser);
    } else {
      beast::tcp_stream stream(io);
      stream.expires_after(request.timeout);
      co_await stream.async_connect(endpoints, asio::use_awaitable);
      stage = "exchanging with";
      co_await Exchange(stream, req, parser);
    }
    done = true;
  };

  asio::co_spawn(io, run(), [&](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const boost::system::system_error& se) {
      failure = se.code() == beast::error::timeout ? std::string("timed out") : se.code().message();
    } catch (const std::exception& ex) {
      failure = ex.what();
    }
  });
  // The resolver is not covered by the stream's timer; bound the whole run as well.
  io.run_for(request.timeout + std::chrono::milliseconds(100));
  if (!done) {
    if (failure.empty()) failure = "timed out";
    return Fail(ErrorCode::kUnavailable,
                stage + " " + target->host_header + ": " + failure);
  }
  Response out;
  auto& res = parser.get();
  out.status = int(res.result_int());
  for (const auto& f : res) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  out.body = std::move(res.body());
  return out;
}

}  // namespace kubeiam::http
