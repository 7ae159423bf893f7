#include "token/cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "util/crypto.h"
#include "util/strings.h"

namespace kubeiam::token {
namespace {

namespace json = boost::json;

std::string Str(const json::object& o, const char* k) {
  auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->as_string().c_str()) : std::string();
}

json::object KeyJson(const CacheKey& k) {
  return {{"cluster", k.cluster_id}, {"profile", k.profile},         {"role", k.role_arn},
          {"region", k.region},      {"endpoint", k.sts_endpoint},   {"externalId", k.external_id},
          {"session", k.session_name}, {"keyHint", k.access_key_hint}, {"files", k.config_files}};
}

}  // namespace

std::string CacheKey::Digest() const { return Sha256Hex(json::serialize(KeyJson(*this))); }

std::string TokenCache::DefaultDir() {
  std::string dir = GetEnv("KUBEIAM_CACHE_DIR");
  if (!dir.empty()) return dir;
  return GetEnv("HOME") + "/.kube/cache/kubeiam";
}

TokenCache::TokenCache(std::string dir, CacheKey key)
    : dir_(std::move(dir)), key_(std::move(key)), path_(dir_ + "/" + key_.Digest() + ".json") {}

Result<FileLock> TokenCache::Lock(std::chrono::milliseconds timeout) const {
  if (auto s = MakeDirs(dir_, 0700); !s) return std::unexpected(s.error());
  if (auto s = CheckPrivateDir(dir_); !s) return std::unexpected(s.error().Wrap("token cache folder"));
  return FileLock::Acquire(path_ + ".lock", timeout);
}

std::optional<CacheEntry> TokenCache::Load() const {
  struct stat st;
  // A cache file anyone else can read holds a stolen token; refuse to use it.
  if (::stat(path_.c_str(), &st) != 0 || (st.st_mode & 077) != 0 || st.st_uid != ::geteuid()) return std::nullopt;
  auto text = ReadFile(path_, 256 * 1024);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  auto v = json::parse(*text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  auto* key = o.if_contains("key");
  if (!key || !key->is_object() || json::serialize(key->as_object()) != json::serialize(KeyJson(key_))) {
    return std::nullopt;
  }
  CacheEntry e;
  e.token = Str(o, "token");
  auto exp = ParseRfc3339(Str(o, "tokenExpiration"));
  if (e.token.empty() || !exp) return std::nullopt;
  e.token_expiration = *exp;
  if (auto* c = o.if_contains("credentials"); c && c->is_object()) {
    auto creds = aws::ParseJsonCredentials(json::serialize(*c), "token cache");
    if (creds && creds->expiration) e.credentials = *creds;
  }
  return e;
}

Status TokenCache::Store(const CacheEntry& entry) const {
  json::object o;
  o["version"] = 1;
  o["key"] = KeyJson(key_);
  o["token"] = entry.token;
  o["tokenExpiration"] = FormatRfc3339(entry.token_expiration);
  if (entry.credentials && entry.credentials->expiration) {
    const auto& c = *entry.credentials;
    o["credentials"] = json::object{{"AccessKeyId", c.access_key_id},
                                    {"SecretAccessKey", c.secret_access_key},
                                    {"SessionToken", c.session_token},
                                    {"Expiration", FormatRfc3339(*c.expiration)}};
  }
  if (auto s = MakeDirs(dir_, 0700); !s) return s;
  if (auto s = CheckPrivateDir(dir_); !s) return std::unexpected(s.error().Wrap("token cache folder"));
  return WriteFileAtomic(path_, json::serialize(o) + "\n", 0600);
}

}  // namespace kubeiam::token
