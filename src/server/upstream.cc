#include "server/upstream.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/url/parse.hpp>

#include "util/file.h"
#include "util/strings.h"

namespace kubeiam::server {
namespace {

Status Problem(const std::string& rule) { return Fail(ErrorCode::kInvalidArgument, "kubeAPI.upstream.url: " + rule); }

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(host, ec);
  return !ec && a.is_loopback();
}

// A token file holds one token, perhaps with a trailing newline (a projected service-account
// token, a kubeconfig's token pasted into a file).
Result<std::string> ReadToken(const std::string& file) {
  auto text = ReadFile(file, 64 * 1024);
  if (!text) return std::unexpected(text.error().Wrap("kubeAPI.upstream.tokenFile"));
  std::string token(Trim(*text));
  if (token.empty()) return Fail(ErrorCode::kInvalidArgument, "kubeAPI.upstream.tokenFile: " + file + " is empty");
  for (unsigned char c : token) {
    if (c < 0x21 || c > 0x7e) {
      return Fail(ErrorCode::kInvalidArgument, "kubeAPI.upstream.tokenFile: " + file + " holds more than one printable token");
    }
  }
  return token;
}

}  // namespace

Result<UpstreamUrl> ParseUpstreamUrl(std::string_view text) {
  auto u = boost::urls::parse_absolute_uri(text);
  if (!u) return std::unexpected(Problem("\"" + std::string(text) + "\" is not an absolute URL").error());
  UpstreamUrl out;
  std::string scheme = ToLower(u->scheme());
  if (scheme != "https" && scheme != "http") return std::unexpected(Problem("scheme must be https (or http to a loopback address)").error());
  out.tls = scheme == "https";
  if (u->has_userinfo()) return std::unexpected(Problem("must not carry user information (use clientCert or tokenFile)").error());
  if (u->has_query()) return std::unexpected(Problem("must not carry a query").error());
  out.host = u->host_address();
  if (out.host.empty()) return std::unexpected(Problem("has no host").error());
  if (!out.tls && !IsLoopbackHost(out.host)) {
    return std::unexpected(Problem("plain http is only allowed to a loopback address, not " + out.host).error());
  }
  out.port = u->has_port() ? std::string(u->port()) : (out.tls ? "443" : "80");
  if (out.port.empty() || out.port.size() > 5 || out.port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(out.port) < 1 || std::stoi(out.port) > 65535) {
    return std::unexpected(Problem("port must be from 1 to 65535").error());
  }
  out.host_header = std::string(u->encoded_host_and_port());
  out.base_path = std::string(u->encoded_path());
  while (out.base_path.ends_with("/")) out.base_path.pop_back();
  return out;
}

Upstream::~Upstream() = default;

Result<std::shared_ptr<const Upstream>> Upstream::Create(const config::UpstreamConfig& config) {
  auto url = ParseUpstreamUrl(config.url);
  if (!url) return std::unexpected(url.error());
  std::shared_ptr<Upstream> u(new Upstream());
  u->url_ = *url;
  u->decides_ = config.authorization == config::UpstreamConfig::Authorization::kUpstream;
  namespace ssl = boost::asio::ssl;
  if (url->tls) {
    u->ssl_ = std::make_shared<ssl::context>(ssl::context::tls_client);
    u->ssl_->set_options(ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    if (!config.ca_file.empty()) {
      u->ssl_->load_verify_file(config.ca_file, ec);
      if (ec) return Fail(ErrorCode::kInvalidArgument, "kubeAPI.upstream.caFile: cannot load " + config.ca_file + ": " + ec.message());
    } else {
      u->ssl_->set_default_verify_paths(ec);
    }
    u->ssl_->set_verify_mode(ssl::verify_peer);
    if (!config.client_cert.empty()) {
      u->ssl_->use_certificate_chain_file(config.client_cert, ec);
      if (ec) {
        return Fail(ErrorCode::kInvalidArgument,
                    "kubeAPI.upstream.clientCert: cannot load " + config.client_cert + ": " + ec.message());
      }
      u->ssl_->use_private_key_file(config.client_key, ssl::context::pem, ec);
      if (ec) {
        return Fail(ErrorCode::kInvalidArgument, "kubeAPI.upstream.clientKey: cannot load " + config.client_key + ": " + ec.message());
      }
    }
  } else if (!config.client_cert.empty() || !config.ca_file.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "kubeAPI.upstream: caFile and clientCert need an https url");
  }
  if (!config.token_file.empty()) {
    auto token = ReadToken(config.token_file);
    if (!token) return std::unexpected(token.error());
    u->token_file_ = config.token_file;
    u->token_ = *token;
    u->token_stamp_ = FileStamp(config.token_file);
    u->token_checked_ = std::chrono::steady_clock::now();
  }
  return std::shared_ptr<const Upstream>(std::move(u));
}

std::string Upstream::Token() const {
  if (token_file_.empty()) return "";
  std::lock_guard<std::mutex> l(mu_);
  // Rotated tokens (projected service-account tokens) show within a second.
  auto now = std::chrono::steady_clock::now();
  if (now - token_checked_ >= std::chrono::seconds(1)) {
    token_checked_ = now;
    std::string stamp = FileStamp(token_file_);
    if (stamp != token_stamp_) {
      if (auto t = ReadToken(token_file_)) {
        token_ = *t;
        token_stamp_ = stamp;
      }
    }
  }
  return token_;
}

}  // namespace kubeiam::server
