// The KvStore on etcd (v3), through its JSON gateway (/v3/kv/range, /v3/kv/txn,
// /v3/kv/compaction, /v3/watch) over the one HTTP client: keys and values travel base64, 64-bit
// numbers as strings, a watch as one streamed POST. Every key lives under `prefix`, so one etcd
// serves several clusters (or kubeiam beside Kubernetes). Endpoints are tried in turn: a member
// that cannot be reached is skipped for the next. etcd's own auth (a user and password traded
// for a token, traded again when it expires) and TLS client certificates are supported.
//
// Watches open lazily, on their first Next, from the revision asked (a watch "from now" notes
// now's revision when it is made), so that a watch whose history is compacted meanwhile says so
// (kGone), as SqliteKv's do; they read their stream in Next, with no thread of their own.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "http/client.h"
#include "store/kv.h"

namespace kubeiam::store {

struct EtcdOptions {
  std::vector<std::string> endpoints;  // http(s)://host:port
  std::string prefix;                  // prepended to every key
  std::string ca_file, cert_file, key_file;
  std::string username, password;
  std::chrono::milliseconds timeout{5000};  // per request
};

class EtcdKv : public KvStore, public std::enable_shared_from_this<EtcdKv> {
 public:
  // Checks the endpoints' shape and the TLS files; nothing is sent yet.
  static Result<std::shared_ptr<EtcdKv>> Open(EtcdOptions options);

  Result<RangeResponse> Range(const RangeRequest& request) override;
  Result<TxnResponse> Txn(const TxnRequest& request) override;
  Result<std::unique_ptr<Watcher>> Watch(const std::string& key, const std::string& range_end,
                                         int64_t start_revision) override;
  Status Compact(int64_t revision) override;

  // One gateway call: the JSON answer, or the error etcd gave (kInvalidArgument for what it
  // refuses, kGone for compacted revisions, kUnavailable when no endpoint answers). A read goes
  // to the next endpoint on any failure; a write (kUnsentOnly) only when it was never sent.
  enum class Retry { kAnyFailure, kUnsentOnly };
  Result<std::string> Call(const std::string& path, const std::string& body, Retry retry = Retry::kAnyFailure);

 private:
  class EtcdWatcher;
  explicit EtcdKv(EtcdOptions options) : options_(std::move(options)) {}
  // The request for `path` on endpoint `i`, with the auth token.
  Result<http::Request> Prepare(size_t i, const std::string& path, const std::string& body);
  Status Authenticate(size_t endpoint);
  Result<std::string> CallOne(size_t endpoint, const std::string& path, const std::string& body);

  EtcdOptions options_;
  std::shared_ptr<boost::asio::ssl::context> tls_;  // client certificate and CA, when given
  std::mutex mu_;              // guards the two below
  size_t current_ = 0;         // the endpoint tried first
  std::string token_;          // etcd auth token, when a user is configured
};

}  // namespace kubeiam::store
