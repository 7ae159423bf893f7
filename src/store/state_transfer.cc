#include "store/state_transfer.h"

#include <algorithm>
#include <map>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "util/encoding.h"
#include "util/utf8.h"
#include "util/json_text.h"

namespace kubeiam::store {
namespace {

namespace json = boost::json;

constexpr const char* kKind = "KubeiamStoreBackup";
constexpr int64_t kPage = 1000;

// The dump's keys grouped by the source transaction that last wrote them, oldest first.
std::vector<std::vector<const KeyValue*>> ByRevision(const StateDump& dump) {
  std::map<int64_t, std::vector<const KeyValue*>> groups;
  for (const auto& kv : dump.kvs) groups[kv.mod_revision].push_back(&kv);
  std::vector<std::vector<const KeyValue*>> out;
  for (auto& [revision, kvs] : groups) out.push_back(std::move(kvs));
  return out;
}

// One group in as few transactions as etcd's limits allow.
Status WriteGroup(KvStore& to, const std::vector<const KeyValue*>& group) {
  TxnRequest txn;
  size_t bytes = 0;
  auto flush = [&]() -> Status {
    if (txn.success.empty()) return {};
    auto done = to.Txn(txn);
    txn.success.clear();
    bytes = 0;
    if (!done) return std::unexpected(done.error());
    return {};
  };
  for (const KeyValue* kv : group) {
    size_t size = kv->key.size() + kv->value.size() + 64;
    if (txn.success.size() == kMaxTxnOps || bytes + size > kMaxRequestBytes / 2) {
      if (auto ok = flush(); !ok) return ok;
    }
    txn.success.push_back(Put(kv->key, kv->value));
    bytes += size;
  }
  return flush();
}

Result<int64_t> NumberField(const json::object& o, const char* name, const std::string& where) {
  const json::value* v = o.if_contains(name);
  if (!v) return Fail(ErrorCode::kFormat, where + name + ": missing");
  if (v->is_int64() && v->as_int64() >= 0) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= uint64_t(INT64_MAX)) return int64_t(v->as_uint64());
  return Fail(ErrorCode::kFormat, where + name + ": must be a whole number >= 0");
}

Result<KeyValue> DecodeKey(const json::value& v, size_t index) {
  std::string where = "keys[" + std::to_string(index) + "].";
  if (!v.is_object()) return Fail(ErrorCode::kFormat, "keys[" + std::to_string(index) + "]: must be an object");
  const json::object& o = v.as_object();
  KeyValue kv;
  const json::value* key = o.if_contains("key");
  if (!key || !key->is_string() || key->as_string().empty()) return Fail(ErrorCode::kFormat, where + "key: must be a non-empty string");
  kv.key = std::string(key->as_string());
  if (const json::value* value = o.if_contains("value"); value && value->is_string()) {
    kv.value = std::string(value->as_string());
  } else if (const json::value* b64 = o.if_contains("valueBase64"); b64 && b64->is_string()) {
    auto decoded = Base64Decode(std::string(b64->as_string()));
    if (!decoded) return Fail(ErrorCode::kFormat, where + "valueBase64: not base64");
    kv.value = std::move(*decoded);
  } else {
    return Fail(ErrorCode::kFormat, where + "value: must be a string (or valueBase64)");
  }
  for (auto [name, field] : {std::pair{"createRevision", &kv.create_revision}, {"modRevision", &kv.mod_revision},
                             {"version", &kv.version}}) {
    auto n = NumberField(o, name, where);
    if (!n) return std::unexpected(n.error());
    *field = *n;
  }
  return kv;
}

}  // namespace

Result<StateDump> DumpState(KvStore& from, const std::string& prefix) {
  // Later pages are read at the first page's revision, so the dump is one moment even while the
  // store is written (a shared etcd always is); a revision compacted meanwhile starts it again.
  for (int attempt = 0; attempt < 10; ++attempt) {
    StateDump dump{prefix, 0, {}};
    std::string next = prefix;
    for (;;) {
      RangeRequest page_request{next, PrefixEnd(prefix), kPage};
      page_request.revision = dump.revision;
      auto page = from.Range(page_request);
      if (!page && page.error().code == ErrorCode::kGone) break;
      if (!page) return std::unexpected(page.error());
      if (dump.revision == 0) dump.revision = page->revision;  // etcd answers with its latest revision
      dump.kvs.insert(dump.kvs.end(), page->kvs.begin(), page->kvs.end());
      if (!page->more || page->kvs.empty()) return dump;
      next = page->kvs.back().key + std::string(1, '\0');
    }
  }
  return Fail(ErrorCode::kUnavailable, "the store kept changing while it was read: stop its writers and try again");
}

Result<size_t> LoadState(KvStore& to, const StateDump& dump, ExistingKeys existing) {
  auto held = to.Range({dump.prefix, PrefixEnd(dump.prefix), 1, 0, true});
  if (!held) return std::unexpected(held.error());
  if (held->count > 0 && existing == ExistingKeys::kRefuse) {
    return Fail(ErrorCode::kInvalidArgument, "the target already holds " + std::to_string(held->count) + " keys under " +
                                                 dump.prefix + " (give --replace to overwrite them)");
  }
  if (held->count > 0) {
    auto cleared = to.Txn({{}, {{Operation::Kind::kDelete, dump.prefix, "", PrefixEnd(dump.prefix)}}, {}});
    if (!cleared) return std::unexpected(cleared.error().Wrap("clearing the target"));
  }
  for (const auto& group : ByRevision(dump)) {
    if (auto ok = WriteGroup(to, group); !ok) return std::unexpected(ok.error().Wrap("writing revision " + std::to_string(group.front()->mod_revision)));
  }
  return dump.kvs.size();
}

std::string EncodeBackup(const StateDump& dump) {
  json::array keys;
  for (const auto& kv : dump.kvs) {
    json::object o{{"key", kv.key}};
    if (FirstInvalidUtf8(kv.value) == std::string_view::npos) {  // else base64: strict JSON parsers refuse it
      o["value"] = kv.value;
    } else {
      o["valueBase64"] = Base64Encode(kv.value);
    }
    o["createRevision"] = kv.create_revision;
    o["modRevision"] = kv.mod_revision;
    o["version"] = kv.version;
    keys.push_back(std::move(o));
  }
  json::object doc{{"kind", kKind}, {"version", 1}, {"prefix", dump.prefix}, {"revision", dump.revision}, {"keys", std::move(keys)}};
  return json::serialize(doc) + "\n";
}

Result<StateDump> DecodeBackup(std::string_view text) {
  auto parsed = ParseJsonText(text);
  if (!parsed) return Fail(ErrorCode::kFormat, "not JSON: " + parsed.error().message);
  json::value doc = std::move(*parsed);
  if (!doc.is_object()) return Fail(ErrorCode::kFormat, "must be a JSON object");
  const json::object& o = doc.as_object();
  const json::value* kind = o.if_contains("kind");
  if (!kind || !kind->is_string() || kind->as_string() != kKind) return Fail(ErrorCode::kFormat, std::string("kind: must be ") + kKind);
  const json::value* version = o.if_contains("version");
  if (!version || !version->is_int64() || version->as_int64() != 1) return Fail(ErrorCode::kFormat, "version: must be 1");
  StateDump dump;
  const json::value* prefix = o.if_contains("prefix");
  if (!prefix || !prefix->is_string() || prefix->as_string().empty()) return Fail(ErrorCode::kFormat, "prefix: must be a non-empty string");
  dump.prefix = std::string(prefix->as_string());
  auto revision = NumberField(o, "revision", "");
  if (!revision) return std::unexpected(revision.error());
  dump.revision = *revision;
  const json::value* keys = o.if_contains("keys");
  if (!keys || !keys->is_array()) return Fail(ErrorCode::kFormat, "keys: must be an array");
  for (size_t i = 0; i < keys->as_array().size(); ++i) {
    auto kv = DecodeKey(keys->as_array()[i], i);
    if (!kv) return std::unexpected(kv.error());
    if (!kv->key.starts_with(dump.prefix)) {
      return Fail(ErrorCode::kFormat, "keys[" + std::to_string(i) + "].key: must start with the prefix " + dump.prefix);
    }
    dump.kvs.push_back(std::move(*kv));
  }
  return dump;
}

}  // namespace kubeiam::store
