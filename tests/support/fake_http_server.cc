#include "support/fake_http_server.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <cstdlib>
#include <optional>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace kubeiam::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string SeenRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(a) == std::tolower(b);
        })) {
      return v;
    }
  }
  return "";
}

struct FakeHttpServer::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  Handler handler;
  std::optional<asio::ssl::context> ssl;
  mutable std::mutex mu;
  std::vector<SeenRequest> seen;
  std::thread thread;

  void Accept() {
    acceptor.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;
      if (ssl) {
        asio::ssl::stream<tcp::socket> stream(std::move(socket), *ssl);
        boost::system::error_code hec;
        stream.handshake(asio::ssl::stream_base::server, hec);
        if (!hec) Serve(stream);
      } else {
        Serve(socket);
      }
      Accept();
    });
  }

  // Sequential and synchronous: tests make few requests, and simplicity beats throughput here.
  template <typename Stream>
  void Serve(Stream& socket) {
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    while (true) {
      http::request<http::string_body> req;
      http::read(socket, buffer, req, ec);
      if (ec) return;
      SeenRequest s{std::string(req.method_string()), std::string(req.target()), req.body(), {}};
      for (const auto& f : req) s.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
      {
        std::lock_guard<std::mutex> l(mu);
        seen.push_back(s);
      }
      CannedResponse c = handler(s);
      http::response<http::string_body> res{http::status(c.status), 11};
      res.set(http::field::content_type, c.content_type);
      res.body() = c.body;
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      http::write(socket, res, ec);
      if (ec || !req.keep_alive()) return;
    }
  }
};

FakeHttpServer::FakeHttpServer(Handler handler, const std::string& cert_file, const std::string& key_file)
    : impl_(std::make_unique<Impl>()) {
  tls_ = true;
  impl_->ssl.emplace(asio::ssl::context::tls_server);
  impl_->ssl->use_certificate_chain_file(cert_file);
  impl_->ssl->use_private_key_file(key_file, asio::ssl::context::pem);
  Start(std::move(handler));
}

FakeHttpServer::FakeHttpServer(Handler handler) : impl_(std::make_unique<Impl>()) { Start(std::move(handler)); }

void FakeHttpServer::Start(Handler handler) {
  impl_->handler = std::move(handler);
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  impl_->Accept();
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

FakeHttpServer::~FakeHttpServer() {
  asio::post(impl_->io, [this] { impl_->acceptor.close(); });
  impl_->io.stop();
  impl_->thread.join();
}

std::vector<SeenRequest> FakeHttpServer::requests() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->seen;
}



bool MakeSelfSignedCert(const std::string& dir) {
  std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
                    "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout '" +
                    dir + "/key.pem' -out '" + dir + "/cert.pem' >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

}  // namespace kubeiam::testing
