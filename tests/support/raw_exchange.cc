#include "support/raw_exchange.h"

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

namespace kubeiam::testing {

namespace asio = boost::asio;

std::string RawExchange(int port, const std::string& bytes, bool tls) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  timeval tv{3, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string out;
  char buf[4096];
  boost::system::error_code ec;
  if (!tls) {
    asio::write(socket, asio::buffer(bytes), ec);
    while (!ec) {
      size_t n = socket.read_some(asio::buffer(buf), ec);
      out.append(buf, n);
    }
    return out;
  }
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);
  asio::ssl::stream<asio::ip::tcp::socket&> s(socket, ctx);
  s.handshake(asio::ssl::stream_base::client, ec);
  if (ec) return "handshake failed: " + ec.message();
  asio::write(s, asio::buffer(bytes), ec);
  while (!ec) {
    size_t n = s.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
  }
  return out;
}

std::string StatusLine(const std::string& answer) { return answer.substr(0, answer.find("\r\n")); }

}  // namespace kubeiam::testing
