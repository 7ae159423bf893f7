#include "support/fake_upstream.h"

#include <openssl/x509.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace kubeiam::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Stream = asio::ssl::stream<tcp::socket>;

struct FakeUpstream::Impl {
  asio::io_context io;
  asio::ssl::context ssl{asio::ssl::context::tls_server};
  tcp::acceptor acceptor{io};
  std::thread accepter;
  mutable std::mutex mu;
  std::condition_variable released_cv;
  bool released = false;
  bool stopping = false;
  std::vector<UpstreamRequest> seen;
  std::vector<std::shared_ptr<Stream>> streams;
  std::vector<std::thread> workers;
  int connections = 0;

  void Accept() {
    while (true) {
      boost::system::error_code ec;
      tcp::socket socket(io);
      acceptor.accept(socket, ec);
      std::lock_guard<std::mutex> l(mu);
      if (stopping) return;
      if (ec) continue;
      ++connections;
      auto stream = std::make_shared<Stream>(std::move(socket), ssl);
      streams.push_back(stream);
      workers.emplace_back([this, stream] { Serve(*stream); });
    }
  }

  void Serve(Stream& stream) {
    boost::system::error_code ec;
    stream.handshake(asio::ssl::stream_base::server, ec);
    if (ec) return;
    std::string subject;
    if (X509* peer = SSL_get_peer_certificate(stream.native_handle())) {
      char line[512];
      X509_NAME_oneline(X509_get_subject_name(peer), line, sizeof line);
      subject = line;
      X509_free(peer);
    }
    beast::flat_buffer buffer;
    while (true) {
      http::request<http::string_body> req;
      http::read(stream, buffer, req, ec);
      if (ec) return;
      UpstreamRequest seen_req;
      seen_req.method = std::string(req.method_string());
      seen_req.target = std::string(req.target());
      seen_req.body = req.body();
      seen_req.client_subject = subject;
      boost::json::object echo_headers;
      for (const auto& f : req) {
        seen_req.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
        echo_headers[std::string(f.name_string())] = std::string(f.value());
      }
      {
        std::lock_guard<std::mutex> l(mu);
        seen.push_back(seen_req);
      }
      if (req[http::field::upgrade] != "" ) {
        http::response<http::empty_body> res{http::status::switching_protocols, 11};
        res.set(http::field::connection, "Upgrade");
        res.set(http::field::upgrade, req[http::field::upgrade]);
        http::write(stream, res, ec);
        // Echo, starting with whatever came with the request.
        if (buffer.size()) asio::write(stream, buffer.data(), ec);
        char buf[4096];
        while (!ec) {
          size_t n = stream.read_some(asio::buffer(buf), ec);
          if (n) asio::write(stream, asio::buffer(buf, n), ec);
        }
        return;
      }
      if (seen_req.target.find("watch=true") != std::string::npos) {
        http::response<http::empty_body> res{http::status::ok, 11};
        res.set(http::field::content_type, "application/json");
        res.chunked(true);
        http::response_serializer<http::empty_body> sr{res};
        http::write_header(stream, sr, ec);
        auto event = [&](const std::string& name) {
          std::string e = R"({"type":"ADDED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":")" + name + "\"}}}\n";
          asio::write(stream, http::make_chunk(asio::buffer(e)), ec);
        };
        event("first");
        {
          std::unique_lock<std::mutex> l(mu);
          released_cv.wait(l, [&] { return released || stopping; });
        }
        event("second");
        asio::write(stream, http::make_chunk_last(), ec);
        if (ec) return;
        continue;
      }
      if (seen_req.target.find("early-hints") != std::string::npos) {
        int hints = seen_req.target.find("flood") != std::string::npos ? 20 : 1;
        for (int i = 0; i < hints; ++i) {
          asio::write(stream, asio::buffer(std::string("HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n")), ec);
        }
      }
      http::response<http::string_body> res{http::status::ok, 11};
      res.set(http::field::content_type, "application/json");
      res.body() = boost::json::serialize(boost::json::object{
          {"method", seen_req.method}, {"target", seen_req.target}, {"headers", echo_headers}, {"body", req.body()}});
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      http::write(stream, res, ec);
      if (ec || !req.keep_alive()) return;
    }
  }
};

FakeUpstream::FakeUpstream(const std::string& cert, const std::string& key, const std::string& client_ca)
    : impl_(std::make_unique<Impl>()) {
  impl_->ssl.use_certificate_chain_file(cert);
  impl_->ssl.use_private_key_file(key, asio::ssl::context::pem);
  impl_->ssl.load_verify_file(client_ca);
  impl_->ssl.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
  impl_->acceptor = tcp::acceptor(impl_->io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  port_ = impl_->acceptor.local_endpoint().port();
  impl_->accepter = std::thread([this] { impl_->Accept(); });
}

FakeUpstream::~FakeUpstream() {
  {
    std::lock_guard<std::mutex> l(impl_->mu);
    impl_->stopping = true;
    for (auto& s : impl_->streams) {
      boost::system::error_code ec;
      s->lowest_layer().shutdown(tcp::socket::shutdown_both, ec);
    }
  }
  impl_->released_cv.notify_all();
  {
    // Wake the blocking accept.
    tcp::socket poke(impl_->io);
    boost::system::error_code ec;
    poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
  }
  impl_->accepter.join();
  for (auto& w : impl_->workers) w.join();
}

std::vector<UpstreamRequest> FakeUpstream::requests() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->seen;
}

int FakeUpstream::connections() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->connections;
}

void FakeUpstream::Release() {
  {
    std::lock_guard<std::mutex> l(impl_->mu);
    impl_->released = true;
  }
  impl_->released_cv.notify_all();
}

}  // namespace kubeiam::testing
