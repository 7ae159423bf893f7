#include "http/tls_client.h"

#include <boost/asio/ssl/context.hpp>

#include "http/host.h"

namespace kubeiam::http {
namespace ssl = boost::asio::ssl;

Result<std::shared_ptr<ssl::context>> MakeTlsClientContext(const TlsClientFiles& files, const TlsFileLabels& labels) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::no_sslv2 | ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  auto problem = [](const std::string& label, const std::string& file, const boost::system::error_code& ec) {
    return Fail(ErrorCode::kInvalidArgument, label + ": cannot load " + file + ": " + ec.message());
  };
  boost::system::error_code ec;
  if (files.peer == PeerVerification::kSkipped) {
    ctx->set_verify_mode(ssl::verify_none);
  } else if (!files.ca_file.empty()) {
    ctx->load_verify_file(files.ca_file, ec);
    if (ec) return problem(labels.ca, files.ca_file, ec);
  } else if (!files.ca_pem.empty()) {
    ctx->add_certificate_authority(boost::asio::buffer(files.ca_pem), ec);
    if (ec) return problem(labels.ca, "its PEM data", ec);
  } else {
    ctx->set_default_verify_paths(ec);
  }
  if (files.peer == PeerVerification::kRequired) ctx->set_verify_mode(ssl::verify_peer);
  if (!files.cert_file.empty()) {
    ctx->use_certificate_chain_file(files.cert_file, ec);
    if (ec) return problem(labels.cert, files.cert_file, ec);
    ctx->use_private_key_file(files.key_file, ssl::context::pem, ec);
    if (ec) return problem(labels.key, files.key_file, ec);
  } else if (!files.cert_pem.empty()) {
    ctx->use_certificate_chain(boost::asio::buffer(files.cert_pem), ec);
    if (ec) return problem(labels.cert, "its PEM data", ec);
    ctx->use_private_key(boost::asio::buffer(files.key_pem), ssl::context::pem, ec);
    if (ec) return problem(labels.key, "its PEM data", ec);
  }
  return ctx;
}

void ExpectPeerName(SSL* ssl, const std::string& host) {
  SSL_set1_host(ssl, host.c_str());
  if (!IsIpLiteral(host)) SSL_set_tlsext_host_name(ssl, host.c_str());
}

}  // namespace kubeiam::http
