// The `kubeiam token --cache` store: kubectl runs the plugin before every command, so repeat
// calls should cost a file read.
//
// One JSON file per key (cluster, profile, role, region, endpoint, ...) under
// ~/.kube/cache/kubeiam/ (or $KUBEIAM_CACHE_DIR), 0600 in a 0700 directory, replaced by atomic
// rename under an flock so parallel kubectl calls neither race nor tear a file. It holds the last
// token and, when they expire, the credentials that signed it (assumed-role or other temporary
// credentials; long-term keys are never copied into it).
#pragma once

#include <optional>
#include <string>

#include "aws/credentials.h"
#include "util/file.h"
#include "util/time.h"

namespace kubeiam::token {

// Everything that makes two invocations want different tokens. Field values are those given on
// the command line and in the environment, so a key is known before any config file is read.
struct CacheKey {
  std::string cluster_id, profile, role_arn, region, sts_endpoint, external_id, session_name;
  std::string access_key_hint;  // AWS_ACCESS_KEY_ID when set: a change of keys is a new entry
  std::string config_files;     // AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE
  std::string Digest() const;   // hex SHA-256 of all fields, used as the file name
};

struct CacheEntry {
  std::string token;
  TimePoint token_expiration;
  std::optional<aws::Credentials> credentials;  // temporary credentials only
};

inline constexpr auto kMinTokenLife = std::chrono::minutes(5);

class TokenCache {
 public:
  // dir: $KUBEIAM_CACHE_DIR, else $HOME/.kube/cache/kubeiam.
  static std::string DefaultDir();
  TokenCache(std::string dir, CacheKey key);

  // Serializes invocations with the same key for up to `timeout`.
  Result<FileLock> Lock(std::chrono::milliseconds timeout) const;
  // nullopt for a missing, unreadable, foreign (other key) or not-private file.
  std::optional<CacheEntry> Load() const;
  Status Store(const CacheEntry& entry) const;
  const std::string& path() const { return path_; }

 private:
  std::string dir_;
  CacheKey key_;
  std::string path_;
};

}  // namespace kubeiam::token
