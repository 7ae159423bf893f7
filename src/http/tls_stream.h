// The server side of a TLS connection, lean enough to keep thousands idle. Asio's ssl::stream
// gives every connection four 17 KiB buffers (its own two and OpenSSL's BIO pair), used or not;
// here OpenSSL reads from and writes to two byte strings that are empty, and hold no memory,
// while the connection waits. With SSL_MODE_RELEASE_BUFFERS on the context, an idle connection
// costs its SSL object and little else.
//
// An AsyncStream for Beast: async_read_some, async_write_some, a handshake and a shutdown, all
// through the beast::tcp_stream below it, so that its expires_after bounds each of them (and
// beast::get_lowest_layer reaches it). One read and one write may be pending at once, as on any
// stream; bytes OpenSSL produces while reading (rare after the handshake: TLS 1.3 key updates)
// leave with the next write. Every operation runs on the connection's strand.
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/append.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <algorithm>
#include <memory>
#include <string>

namespace kubeiam::http {

class TlsServerStream {
 public:
  using executor_type = boost::beast::tcp_stream::executor_type;
  using next_layer_type = boost::beast::tcp_stream;

  // `context` stays alive for as long as the stream. `received` holds bytes already read from the
  // socket (the start of the client's handshake).
  TlsServerStream(boost::beast::tcp_stream next, SSL_CTX* context, boost::asio::const_buffer received);
  ~TlsServerStream();
  TlsServerStream(const TlsServerStream&) = delete;
  TlsServerStream& operator=(const TlsServerStream&) = delete;

  executor_type get_executor() { return next_.get_executor(); }
  boost::beast::tcp_stream& next_layer() { return next_; }

  // What an SSL call left to do.
  struct Step {
    size_t bytes = 0;      // plaintext moved
    bool done = false;     // the call finished (handshake, shutdown, or bytes moved)
    boost::system::error_code ec;
  };

  template <typename Token>
  auto async_handshake(Token&& token) {
    return Run([this] { return Handshake(); }, true, std::forward<Token>(token));
  }
  template <typename Token>
  auto async_shutdown(Token&& token) {
    return Run([this] { return Shutdown(); }, true, std::forward<Token>(token));
  }
  template <typename MutableBuffers, typename Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    auto first = FirstNonEmpty<boost::asio::mutable_buffer>(buffers);
    return Run([this, first] { return Read(first); }, false, std::forward<Token>(token));
  }
  // Beast hands an answer over in pieces (status line, fields, body); as beast::flat_stream does
  // for asio's SSL stream, up to 16 KiB of them go out as one TLS record and one send.
  template <typename ConstBuffers, typename Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    boost::asio::const_buffer from = Coalesce(buffers);
    return Run([this, from] { return Write(from); }, true, std::forward<Token>(token));
  }

 private:
  template <typename Action>
  struct Op;

  template <typename Action, typename Token>
  auto Run(Action action, bool flushes, Token&& token) {
    return boost::asio::async_compose<Token, void(boost::system::error_code, size_t)>(
        Op<Action>{this, std::move(action), flushes}, token, next_);
  }
  // As asio's SSL stream: one call moves bytes of the first non-empty buffer only.
  template <typename Buffer, typename Buffers>
  static Buffer FirstNonEmpty(const Buffers& buffers) {
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers); ++it) {
      Buffer b(*it);
      if (b.size() > 0) return b;
    }
    return Buffer();
  }

  template <typename ConstBuffers>
  boost::asio::const_buffer Coalesce(const ConstBuffers& buffers) {
    auto first = FirstNonEmpty<boost::asio::const_buffer>(buffers);
    if (boost::asio::buffer_size(buffers) == first.size()) return first;
    constexpr size_t kRecord = 16384;
    coalesced_.resize(std::min(boost::asio::buffer_size(buffers), kRecord));
    size_t n = boost::asio::buffer_copy(boost::asio::buffer(coalesced_), buffers);
    return boost::asio::buffer(coalesced_.data(), n);
  }

  Step Handshake();
  Step Shutdown();
  Step Read(boost::asio::mutable_buffer into);
  Step Write(boost::asio::const_buffer from);
  Step Finish(int result, size_t bytes);  // maps SSL_get_error
  // After the one byte a read waited for: take whatever else the socket holds, without waiting.
  boost::system::error_code Received(const boost::system::error_code& ec);
  // Moves what OpenSSL wrote into `flushing_`, for one async_write; false when there is none.
  bool TakeOutput();
  void FlushDone();

  static int BioWrite(BIO* bio, const char* data, int size);
  static int BioRead(BIO* bio, char* out, int size);
  static long BioCtrl(BIO* bio, int cmd, long num, void* ptr);
  static BIO_METHOD* Methods();

  boost::beast::tcp_stream next_;
  SSL* ssl_ = nullptr;
  std::string in_;            // ciphertext read from the socket, not yet taken by OpenSSL
  size_t in_taken_ = 0;
  std::string out_;           // ciphertext OpenSSL produced, not yet being written
  std::string flushing_;      // ciphertext being written
  std::string coalesced_;     // plaintext pieces of one write, joined (empty between writes)
  char one_ = 0;              // where a read waits for the socket's next byte
};

// One TLS operation: run the SSL call; write out what it produced (when this operation may
// write); when it needs the peer's bytes, wait for one and try again.
template <typename Action>
struct TlsServerStream::Op {
  TlsServerStream* s;
  Action action;
  bool flushes;
  enum { kStart, kFlushing, kFilling, kPosted } state = kStart;
  Step result;

  template <typename Self>
  void operator()(Self& self, boost::system::error_code ec = {}, size_t n = 0) {
    bool first = state == kStart;
    if (state == kPosted) return self.complete(result.ec, result.bytes);
    if (state == kFlushing) {
      s->FlushDone();
      if (ec) return self.complete(ec, 0);
      if (result.done || result.ec) return Complete(self, false);
    }
    if (state == kFilling) {
      if (n == 1) s->in_.push_back(s->one_);
      if (auto err = s->Received(ec)) {
        result = {0, true, err};
        return Complete(self, false);
      }
    }
    if (!result.done) result = action();
    if (flushes && s->TakeOutput()) {
      state = kFlushing;
      return boost::asio::async_write(s->next_, boost::asio::buffer(s->flushing_), std::move(self));
    }
    if (result.done || result.ec) return Complete(self, first);
    state = kFilling;
    s->next_.async_read_some(boost::asio::buffer(&s->one_, 1), std::move(self));
  }

  // A result known at once is delivered through the executor, never from inside the initiation.
  template <typename Self>
  void Complete(Self& self, bool immediate) {
    if (!immediate) return self.complete(result.ec, result.bytes);
    state = kPosted;
    boost::asio::post(s->next_.get_executor(), std::move(self));
  }
};

}  // namespace kubeiam::http
