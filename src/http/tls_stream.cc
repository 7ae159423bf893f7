#include "http/tls_stream.h"

#include <openssl/err.h>

#include <boost/asio/ssl/error.hpp>
#include <cstring>

namespace kubeiam::http {
namespace {

namespace asio = boost::asio;

// At most this much ciphertext is taken from the socket per wait: a large upload is read in
// steps rather than into one growing string.
constexpr size_t kMaxTakenPerWait = 64 * 1024;
// An emptied buffer gives its memory back: an idle connection holds none.
void Release(std::string& s) { std::string().swap(s); }

}  // namespace

TlsServerStream::TlsServerStream(boost::beast::tcp_stream next, SSL_CTX* context, asio::const_buffer received)
    : next_(std::move(next)) {
  ssl_ = SSL_new(context);
  BIO* bio = BIO_new(Methods());
  BIO_set_data(bio, this);
  BIO_set_init(bio, 1);
  SSL_set_bio(ssl_, bio, bio);  // one BIO both ways; SSL_free frees it
  SSL_set_accept_state(ssl_);
  in_.assign(static_cast<const char*>(received.data()), received.size());
  boost::system::error_code ec;
  next_.socket().non_blocking(true, ec);
}

TlsServerStream::~TlsServerStream() {
  if (ssl_) SSL_free(ssl_);
}

BIO_METHOD* TlsServerStream::Methods() {
  static BIO_METHOD* methods = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "kubeiam tls stream");
    BIO_meth_set_write(m, BioWrite);
    BIO_meth_set_read(m, BioRead);
    BIO_meth_set_ctrl(m, BioCtrl);
    return m;
  }();
  return methods;
}

int TlsServerStream::BioWrite(BIO* bio, const char* data, int size) {
  auto* s = static_cast<TlsServerStream*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  s->out_.append(data, size_t(size));
  return size;
}

int TlsServerStream::BioRead(BIO* bio, char* out, int size) {
  auto* s = static_cast<TlsServerStream*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  size_t left = s->in_.size() - s->in_taken_;
  if (left == 0) {
    BIO_set_retry_read(bio);
    return -1;
  }
  size_t n = std::min(left, size_t(size));
  std::memcpy(out, s->in_.data() + s->in_taken_, n);
  s->in_taken_ += n;
  if (s->in_taken_ == s->in_.size()) {
    Release(s->in_);
    s->in_taken_ = 0;
  }
  return int(n);
}

long TlsServerStream::BioCtrl(BIO* bio, int cmd, long, void*) {
  auto* s = static_cast<TlsServerStream*>(BIO_get_data(bio));
  switch (cmd) {
    case BIO_CTRL_FLUSH:
      return 1;  // written out by the operation that produced it
    case BIO_CTRL_PENDING:
      return long(s->in_.size() - s->in_taken_);
    case BIO_CTRL_WPENDING:
      return long(s->out_.size());
    default:
      return 0;
  }
}

TlsServerStream::Step TlsServerStream::Finish(int result, size_t bytes) {
  if (result > 0) return {bytes, true, {}};
  int err = SSL_get_error(ssl_, result);
  if (err == SSL_ERROR_WANT_READ) return {};
  if (err == SSL_ERROR_ZERO_RETURN) return {0, true, asio::error::eof};
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return {0, true, asio::ssl::error::stream_truncated};
  return {0, true, boost::system::error_code(int(code), asio::error::get_ssl_category())};
}

TlsServerStream::Step TlsServerStream::Handshake() {
  ERR_clear_error();
  return Finish(SSL_do_handshake(ssl_), 0);
}

TlsServerStream::Step TlsServerStream::Shutdown() {
  ERR_clear_error();
  int r = SSL_shutdown(ssl_);
  // 0: our close_notify is out and the peer's is not awaited (the connection closes next).
  return r >= 0 ? Step{0, true, {}} : Finish(r, 0);
}

TlsServerStream::Step TlsServerStream::Read(asio::mutable_buffer into) {
  if (into.size() == 0) return {0, true, {}};
  ERR_clear_error();
  size_t n = 0;
  int r = SSL_read_ex(ssl_, into.data(), into.size(), &n);
  return Finish(r, n);
}

TlsServerStream::Step TlsServerStream::Write(asio::const_buffer from) {
  if (from.size() == 0) return {0, true, {}};
  ERR_clear_error();
  size_t n = 0;
  int r = SSL_write_ex(ssl_, from.data(), from.size(), &n);
  Release(coalesced_);  // OpenSSL has copied it into a record
  Step step = Finish(r, n);
  // Writing never waits for the peer (no renegotiation): a want-read here is a failure.
  if (!step.done && !step.ec) step = {0, true, asio::ssl::error::stream_truncated};
  return step;
}

boost::system::error_code TlsServerStream::Received(const boost::system::error_code& ec) {
  if (ec == asio::error::eof) return asio::ssl::error::stream_truncated;  // closed without close_notify
  if (ec) return ec;
  thread_local char scratch[16384];
  size_t taken = 0;
  while (taken < kMaxTakenPerWait) {
    boost::system::error_code rec;
    size_t n = next_.socket().read_some(asio::buffer(scratch), rec);
    in_.append(scratch, n);
    taken += n;
    if (rec || n == 0) break;  // would_block: nothing more now; eof or reset: the next wait says so
  }
  return {};
}

bool TlsServerStream::TakeOutput() {
  if (out_.empty()) return false;
  flushing_.swap(out_);  // a member: its bytes stay put while the write is pending
  return true;
}

void TlsServerStream::FlushDone() { Release(flushing_); }

}  // namespace kubeiam::http
