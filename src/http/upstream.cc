#include "http/upstream.h"

#include <boost/asio/ssl/context.hpp>
#include <boost/url/parse.hpp>

#include "http/host.h"
#include "http/tls_client.h"
#include "util/file.h"
#include "util/strings.h"

namespace kubeiam::http {
namespace {

// A token file holds one token, perhaps with a trailing newline (a projected service-account
// token, a kubeconfig's token pasted into a file).
Result<std::string> ReadToken(const std::string& file, const std::string& field) {
  auto text = ReadFile(file, 64 * 1024);
  if (!text) return std::unexpected(text.error().Wrap(field));
  std::string token(Trim(*text));
  if (token.empty()) return Fail(ErrorCode::kInvalidArgument, field + ": " + file + " is empty");
  for (unsigned char c : token) {
    if (c < 0x21 || c > 0x7e) return Fail(ErrorCode::kInvalidArgument, field + ": " + file + " holds more than one printable token");
  }
  return token;
}

bool ValidPort(const std::string& port) {
  return !port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == std::string::npos &&
         std::stoi(port) >= 1 && std::stoi(port) <= 65535;
}

}  // namespace

Result<UpstreamUrl> ParseUpstreamUrl(std::string_view text, std::string_view field) {
  auto problem = [&](const std::string& rule) { return Fail(ErrorCode::kInvalidArgument, std::string(field) + ": " + rule); };
  auto u = boost::urls::parse_absolute_uri(text);
  if (!u) return problem("\"" + std::string(text) + "\" is not an absolute URL");
  UpstreamUrl out;
  std::string scheme = ToLower(u->scheme());
  if (scheme != "https" && scheme != "http") return problem("scheme must be https (or http to a loopback address)");
  out.tls = scheme == "https";
  if (u->has_userinfo()) return problem("must not carry user information (use clientCert or tokenFile)");
  if (u->has_query()) return problem("must not carry a query");
  out.host = u->host_address();
  if (out.host.empty()) return problem("has no host");
  if (!out.tls && !IsLoopbackHost(out.host)) return problem("plain http is only allowed to a loopback address, not " + out.host);
  out.port = u->has_port() ? std::string(u->port()) : (out.tls ? "443" : "80");
  if (!ValidPort(out.port)) return problem("port must be from 1 to 65535");
  out.host_header = std::string(u->encoded_host_and_port());
  out.base_path = std::string(u->encoded_path());
  while (out.base_path.ends_with("/")) out.base_path.pop_back();
  return out;
}

Upstream::~Upstream() = default;

Result<std::shared_ptr<const Upstream>> Upstream::Create(const UpstreamOptions& options) {
  const std::string& at = options.config_path;
  auto url = ParseUpstreamUrl(options.url, at + ".url");
  if (!url) return std::unexpected(url.error());
  std::shared_ptr<Upstream> u(new Upstream());
  u->url_ = *url;
  if (url->tls) {
    auto ctx = MakeTlsClientContext({options.ca_file, options.client_cert, options.client_key},
                                    {at + ".caFile", at + ".clientCert", at + ".clientKey"});
    if (!ctx) return std::unexpected(ctx.error());
    u->ssl_ = *ctx;
  } else if (!options.client_cert.empty() || !options.ca_file.empty()) {
    return Fail(ErrorCode::kInvalidArgument, at + ": caFile and clientCert need an https url");
  }
  if (!options.token_file.empty()) {
    u->token_field_ = at + ".tokenFile";
    auto token = ReadToken(options.token_file, u->token_field_);
    if (!token) return std::unexpected(token.error());
    u->token_file_ = options.token_file;
    u->token_ = *token;
    u->token_stamp_ = FileStamp(options.token_file);
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
      if (auto t = ReadToken(token_file_, token_field_)) {
        token_ = *t;
        token_stamp_ = stamp;
      }
    }
  }
  return token_;
}

}  // namespace kubeiam::http
