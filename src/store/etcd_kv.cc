#include "store/etcd_kv.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <deque>
#include <optional>

#include "http/tls_client.h"
#include "util/encoding.h"

namespace kubeiam::store {
namespace {

namespace json = boost::json;

std::string B64(std::string_view s) { return Base64Encode(s); }

std::string Str(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

int64_t Int(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (v && v->is_string()) return std::strtoll(std::string(v->as_string()).c_str(), nullptr, 10);
  if (v && v->is_int64()) return v->as_int64();
  return 0;
}

int64_t HeaderRevision(const json::object& o) {
  const json::value* h = o.if_contains("header");
  return h && h->is_object() ? Int(h->as_object(), "revision") : 0;
}

// etcd's range_end for a caller's, under `prefix`: "" the key alone, "\0" every key from it
// (within the prefix), else the end moved under the prefix.
std::string RangeEndInside(const std::string& prefix, const std::string& range_end) {
  if (range_end.empty()) return "";
  if (range_end == std::string(1, '\0')) return prefix.empty() ? range_end : PrefixEnd(prefix);
  return prefix + range_end;
}

Result<KeyValue> KeyValueOf(const json::object& o, const std::string& prefix) {
  auto key = Base64Decode(Str(o, "key"));
  auto value = Base64Decode(Str(o, "value"));
  if (!key || !value || !key->starts_with(prefix)) return Fail(ErrorCode::kFormat, "etcd answered a key-value kubeiam cannot read");
  return KeyValue{key->substr(prefix.size()), *value, Int(o, "create_revision"), Int(o, "mod_revision"), Int(o, "version")};
}

json::object CompareJson(const Compare& c, const std::string& prefix) {
  static const char* kTargets[] = {"VERSION", "CREATE", "MOD", "VALUE"};
  static const char* kResults[] = {"EQUAL", "NOT_EQUAL", "LESS", "GREATER"};
  json::object o{{"key", B64(prefix + c.key)}, {"target", kTargets[int(c.target)]}, {"result", kResults[int(c.relation)]}};
  switch (c.target) {
    case Compare::Target::kVersion: o["version"] = std::to_string(c.number); break;
    case Compare::Target::kCreateRevision: o["create_revision"] = std::to_string(c.number); break;
    case Compare::Target::kModRevision: o["mod_revision"] = std::to_string(c.number); break;
    case Compare::Target::kValue: o["value"] = B64(c.value); break;
  }
  return o;
}

json::array OperationsJson(const std::vector<Operation>& ops, const std::string& prefix) {
  json::array out;
  for (const auto& op : ops) {
    if (op.kind == Operation::Kind::kPut) {
      out.push_back(json::object{{"request_put", json::object{{"key", B64(prefix + op.key)}, {"value", B64(op.value)}}}});
    } else {
      json::object del{{"key", B64(prefix + op.key)}};
      if (std::string end = RangeEndInside(prefix, op.range_end); !end.empty()) del["range_end"] = B64(end);
      out.push_back(json::object{{"request_delete_range", std::move(del)}});
    }
  }
  return out;
}

// etcd's error text, with the code kubeiam gives it.
Error EtcdError(int status, const std::string& body) {
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  const json::object* o = !ec ? doc.if_object() : nullptr;
  std::string message = o ? Str(*o, "error") : "";
  if (message.empty() && o) message = Str(*o, "message");
  if (const json::value* nested = o ? o->if_contains("error") : nullptr; message.empty() && nested && nested->is_object()) {
    message = Str(nested->as_object(), "message");
  }
  if (message.empty() && !o && !body.empty()) {
    // A plain-text refusal, e.g. the gateway's "client sending requests against gateway must
    // have empty CommonName in its cert": its first line, printable bytes only.
    std::string line = body.substr(0, std::min(body.find('\n'), size_t(200)));
    std::erase_if(line, [](char c) { return static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e; });
    message = "HTTP " + std::to_string(status) + ": " + line;
  }
  if (message.empty()) message = "HTTP " + std::to_string(status);
  ErrorCode code = ErrorCode::kUpstream;
  if (message.find("has been compacted") != std::string::npos) code = ErrorCode::kGone;
  else if (message.find("future revision") != std::string::npos || message.find("too large") != std::string::npos ||
           message.find("too many operations") != std::string::npos) code = ErrorCode::kInvalidArgument;
  else if (status == 401 || message.find("invalid auth token") != std::string::npos ||
           message.find("revision of auth store is old") != std::string::npos) code = ErrorCode::kUnauthenticated;
  else if (status >= 500 || message.find("no leader") != std::string::npos) code = ErrorCode::kUnavailable;
  return Error{code, "etcd: " + message};
}

Result<json::object> ParseObject(const std::string& text) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object()) return Fail(ErrorCode::kFormat, "etcd answered something that is not a JSON object");
  return std::move(doc.as_object());
}

}  // namespace

Result<std::shared_ptr<EtcdKv>> EtcdKv::Open(EtcdOptions options) {
  if (options.endpoints.empty()) return Fail(ErrorCode::kInvalidArgument, "store.etcd.endpoints: at least one is required");
  bool tls = false;
  for (const auto& e : options.endpoints) {
    if (!e.starts_with("http://") && !e.starts_with("https://")) {
      return Fail(ErrorCode::kInvalidArgument, "store.etcd.endpoints: " + e + " must be an http:// or https:// URL");
    }
    tls |= e.starts_with("https://");
  }
  std::shared_ptr<EtcdKv> kv(new EtcdKv(std::move(options)));
  if (tls) {
    auto ctx = http::MakeTlsClientContext({kv->options_.ca_file, kv->options_.cert_file, kv->options_.key_file},
                                          {"store.etcd.caFile", "store.etcd.certFile", "store.etcd.keyFile"});
    if (!ctx) return std::unexpected(ctx.error());
    kv->tls_ = *ctx;
  }
  return kv;
}

Result<http::Request> EtcdKv::Prepare(size_t i, const std::string& path, const std::string& body) {
  http::Request r{.method = "POST", .url = options_.endpoints[i] + path, .body = body, .tls = tls_};
  r.timeout = options_.timeout;
  r.max_body = 256u << 20;
  r.headers.emplace_back("Content-Type", "application/json");
  std::lock_guard<std::mutex> l(mu_);
  if (!token_.empty()) r.headers.emplace_back("Authorization", token_);
  return r;
}

Status EtcdKv::Authenticate(size_t i) {
  json::object who{{"name", options_.username}, {"password", options_.password}};
  http::Request r{.method = "POST", .url = options_.endpoints[i] + "/v3/auth/authenticate", .body = json::serialize(who), .tls = tls_};
  r.timeout = options_.timeout;
  auto answer = http::Fetch(r);
  if (!answer) return std::unexpected(answer.error());
  if (answer->status != 200) {
    Error e = EtcdError(answer->status, answer->body).Wrap("authenticating as " + options_.username);
    if (e.code == ErrorCode::kUnauthenticated) e.code = ErrorCode::kPermissionDenied;  // a wrong password: no retry
    return std::unexpected(e);
  }
  boost::system::error_code ec;
  json::value doc = json::parse(answer->body, ec);
  std::string token = !ec && doc.is_object() ? Str(doc.as_object(), "token") : "";
  if (token.empty()) return Fail(ErrorCode::kUnauthenticated, "etcd gave no token to " + options_.username);
  std::lock_guard<std::mutex> l(mu_);
  token_ = token;
  return {};
}

Result<std::string> EtcdKv::Call(const std::string& path, const std::string& body, Retry retry) {
  size_t first;
  {
    std::lock_guard<std::mutex> l(mu_);
    first = current_;
  }
  Error last{ErrorCode::kUnavailable, "etcd: no endpoint"};
  bool reauthenticated = false;
  // Each endpoint once, from the one that answered last; a token gone stale is traded again once.
  for (size_t n = 0; n < options_.endpoints.size();) {
    size_t i = (first + n) % options_.endpoints.size();
    auto answer = CallOne(i, path, body);
    if (answer) {
      std::lock_guard<std::mutex> l(mu_);
      current_ = i;
      return answer;
    }
    Error e = answer.error();
    if (e.code == ErrorCode::kUnauthenticated && !options_.username.empty() && !reauthenticated) {
      reauthenticated = true;
      std::lock_guard<std::mutex> l(mu_);
      token_.clear();
      continue;  // the same endpoint, with a fresh token
    }
    if (e.code != ErrorCode::kUnavailable) return std::unexpected(e);
    // A write that may have reached etcd is not sent again: its compares would judge it against
    // itself.
    bool unsent = e.message.find("connecting to") != std::string::npos;
    if (retry == Retry::kUnsentOnly && !unsent) return std::unexpected(e.Wrap("the outcome is unknown"));
    last = e;
    ++n;
  }
  size_t tried = options_.endpoints.size();
  std::string what = tried == 1 ? "its endpoint did not answer" : "none of its " + std::to_string(tried) + " endpoints answered";
  return Fail(ErrorCode::kUnavailable, "etcd unreachable: " + what + " (the last: " + last.message + ")");
}

// One endpoint: its token first when a user is configured.
Result<std::string> EtcdKv::CallOne(size_t i, const std::string& path, const std::string& body) {
  bool need_token = !options_.username.empty() && [&] {
    std::lock_guard<std::mutex> l(mu_);
    return token_.empty();
  }();
  if (need_token) {
    if (auto ok = Authenticate(i); !ok) return std::unexpected(ok.error());
  }
  auto request = Prepare(i, path, body);
  auto answer = http::Fetch(*request);
  if (!answer) return std::unexpected(answer.error().Wrap("etcd endpoint " + std::to_string(i + 1)));
  if (answer->status == 200) return std::move(answer->body);
  return std::unexpected(EtcdError(answer->status, answer->body));
}

Result<RangeResponse> EtcdKv::Range(const RangeRequest& request) {
  json::object body{{"key", B64(options_.prefix + request.key)}};
  if (std::string end = RangeEndInside(options_.prefix, request.range_end); !end.empty()) body["range_end"] = B64(end);
  if (request.limit > 0) body["limit"] = std::to_string(request.limit);
  if (request.min_mod_revision > 0) body["min_mod_revision"] = std::to_string(request.min_mod_revision);
  if (request.keys_only) body["keys_only"] = true;
  if (request.revision > 0) body["revision"] = std::to_string(request.revision);
  auto answer = Call("/v3/kv/range", json::serialize(body));
  if (!answer) return std::unexpected(answer.error());
  auto doc = ParseObject(*answer);
  if (!doc) return std::unexpected(doc.error());
  const json::object& o = *doc;
  RangeResponse out;
  out.revision = HeaderRevision(o);
  out.more = o.contains("more") && o.at("more").is_bool() && o.at("more").as_bool();
  out.count = Int(o, "count");
  if (const json::value* kvs = o.if_contains("kvs"); kvs && kvs->is_array()) {
    for (const auto& kv : kvs->as_array()) {
      if (!kv.is_object()) return Fail(ErrorCode::kFormat, "etcd answered a key-value kubeiam cannot read");
      auto parsed = KeyValueOf(kv.as_object(), options_.prefix);
      if (!parsed) return std::unexpected(parsed.error());
      out.kvs.push_back(std::move(*parsed));
    }
  }
  return out;
}

Result<TxnResponse> EtcdKv::Txn(const TxnRequest& request) {
  if (auto ok = CheckTxnLimits(request); !ok) return std::unexpected(ok.error());
  json::array compares;
  for (const auto& c : request.compares) compares.push_back(CompareJson(c, options_.prefix));
  json::object body{{"compare", std::move(compares)},
                    {"success", OperationsJson(request.success, options_.prefix)},
                    {"failure", OperationsJson(request.failure, options_.prefix)}};
  auto answer = Call("/v3/kv/txn", json::serialize(body), Retry::kUnsentOnly);
  if (!answer) return std::unexpected(answer.error());
  auto doc = ParseObject(*answer);
  if (!doc) return std::unexpected(doc.error());
  const json::value* succeeded = doc->if_contains("succeeded");
  return TxnResponse{succeeded && succeeded->is_bool() && succeeded->as_bool(), HeaderRevision(*doc)};
}

Status EtcdKv::Compact(int64_t revision) {
  auto answer = Call("/v3/kv/compaction", json::serialize(json::object{{"revision", std::to_string(revision)}}), Retry::kUnsentOnly);
  if (!answer) return std::unexpected(answer.error());
  return {};
}

// A watch: opened on the first Next from its revision, then read a turn at a time.
class EtcdKv::EtcdWatcher : public Watcher {
 public:
  EtcdWatcher(std::shared_ptr<EtcdKv> kv, json::object create) : kv_(std::move(kv)), create_(std::move(create)) {}

  Result<std::vector<Event>> Next(std::chrono::milliseconds wait) override {
    if (pending_) {  // what ended the stream, once the events before it were given
      Error e = *pending_;
      pending_.reset();
      return std::unexpected(e);
    }
    if (!stream_) {
      if (auto ok = OpenStream(); !ok) return std::unexpected(ok.error());
    }
    auto deadline = std::chrono::steady_clock::now() + wait;
    std::vector<Event> out;
    do {
      auto piece = stream_->Read(std::max<std::chrono::milliseconds>(
          std::chrono::milliseconds(0), std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())));
      if (!piece) return std::unexpected(piece.error());
      partial_ += *piece;
      if (auto ok = TakeLines(out); !ok) {
        if (out.empty()) return std::unexpected(ok.error());
        pending_ = ok.error();
        return out;
      }
      if (stream_->ended() && out.empty()) return Fail(ErrorCode::kUnavailable, "etcd ended the watch");
    } while (out.empty() && std::chrono::steady_clock::now() < deadline);
    return out;
  }

 private:
  Status OpenStream() {
    // A history compacted since the watch was made: etcd would say so only after the stream
    // opens; a read at that revision says it now.
    json::object probe{{"key", create_["key"]}, {"limit", "1"}, {"keys_only", true}, {"revision", create_["start_revision"]}};
    auto probed = kv_->Call("/v3/kv/range", json::serialize(probe));
    if (!probed && probed.error().code != ErrorCode::kInvalidArgument) return std::unexpected(probed.error());
    Error last{ErrorCode::kUnavailable, "etcd: no endpoint"};
    size_t first;
    {
      std::lock_guard<std::mutex> l(kv_->mu_);
      first = kv_->current_;
    }
    for (size_t n = 0; n < kv_->options_.endpoints.size(); ++n) {
      size_t i = (first + n) % kv_->options_.endpoints.size();
      auto request = kv_->Prepare(i, "/v3/watch", json::serialize(json::object{{"create_request", create_}}));
      auto opened = http::BodyStream::Open(*request);
      if (!opened) {
        last = opened.error().Wrap("etcd endpoint " + std::to_string(i + 1));
        continue;
      }
      if ((*opened)->status() == 200) {
        stream_ = std::move(*opened);
        return {};
      }
      std::string body;
      while (!(*opened)->ended()) {
        auto piece = (*opened)->Read(std::chrono::milliseconds(100));
        if (!piece || body.size() > (64u << 10)) break;
        body += *piece;
      }
      last = EtcdError((*opened)->status(), body).Wrap("opening a watch");
      if (last.code != ErrorCode::kUnavailable) return std::unexpected(last);
    }
    return std::unexpected(last);
  }

  // Complete lines of the stream: {"result": {...events, canceled, compact_revision}}.
  Status TakeLines(std::vector<Event>& out) {
    for (size_t nl; (nl = partial_.find('\n')) != std::string::npos; partial_.erase(0, nl + 1)) {
      std::string line = partial_.substr(0, nl);
      if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
      boost::system::error_code ec;
      json::value doc = json::parse(line, ec);
      const json::object* o = !ec ? doc.if_object() : nullptr;
      if (o && o->contains("error")) return std::unexpected(EtcdError(0, line));
      const json::value* result = o ? o->if_contains("result") : nullptr;
      if (!result || !result->is_object()) return Fail(ErrorCode::kFormat, "etcd sent a watch answer kubeiam cannot read");
      const json::object& r = result->as_object();
      if (Int(r, "compact_revision") > 0) return Fail(ErrorCode::kGone, "etcd: the watch's revisions have been compacted");
      if (const json::value* c = r.if_contains("canceled"); c && c->is_bool() && c->as_bool()) {
        return std::unexpected(EtcdError(0, json::serialize(json::object{{"error", "the watch was canceled: " + Str(r, "cancel_reason")}})));
      }
      if (auto ok = AddEvents(r, out); !ok) return ok;
    }
    return {};
  }

  Status AddEvents(const json::object& r, std::vector<Event>& out) {
    const json::value* events = r.if_contains("events");
    if (!events || !events->is_array()) return {};
    for (const auto& e : events->as_array()) {
      const json::value* kv_value = e.is_object() ? e.as_object().if_contains("kv") : nullptr;
      if (!kv_value || !kv_value->is_object()) return Fail(ErrorCode::kFormat, "etcd sent a watch event without kv");
      const json::object& o = e.as_object();
      Event ev;
      ev.type = Str(o, "type") == "DELETE" ? Event::Type::kDelete : Event::Type::kPut;
      auto kv = KeyValueOf(kv_value->as_object(), kv_->options_.prefix);
      if (!kv) return std::unexpected(kv.error());
      ev.kv = std::move(*kv);
      if (const json::value* prev = o.if_contains("prev_kv"); prev && prev->is_object()) {
        auto p = KeyValueOf(prev->as_object(), kv_->options_.prefix);
        if (p) ev.prev_kv = std::move(*p);
      }
      out.push_back(std::move(ev));
    }
    return {};
  }

  std::shared_ptr<EtcdKv> kv_;
  json::object create_;
  std::unique_ptr<http::BodyStream> stream_;
  std::string partial_;
  std::optional<Error> pending_;
};

Result<std::unique_ptr<Watcher>> EtcdKv::Watch(const std::string& key, const std::string& range_end, int64_t start_revision) {
  // Where the watch starts, decided now: a compacted revision is kGone at once, and "from now"
  // is now's next revision, whenever the stream opens.
  json::object probe{{"key", B64(options_.prefix + key)}, {"limit", "1"}, {"keys_only", true}};
  if (start_revision > 0) probe["revision"] = std::to_string(start_revision);
  auto answer = Call("/v3/kv/range", json::serialize(probe));
  if (!answer && answer.error().code == ErrorCode::kInvalidArgument) answer = std::string("{}");  // a future revision
  if (!answer) return std::unexpected(answer.error());
  auto doc = ParseObject(*answer);
  if (!doc) return std::unexpected(doc.error());
  int64_t from = start_revision > 0 ? start_revision : HeaderRevision(*doc) + 1;
  json::object create{{"key", B64(options_.prefix + key)}, {"start_revision", std::to_string(from)}, {"prev_kv", true}};
  if (std::string end = RangeEndInside(options_.prefix, range_end); !end.empty()) create["range_end"] = B64(end);
  return std::unique_ptr<Watcher>(new EtcdWatcher(shared_from_this(), std::move(create)));
}

}  // namespace kubeiam::store
