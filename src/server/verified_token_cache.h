// Tokens STS has confirmed, so that a repeated token is answered without another STS call:
// SHA-256 of the token -> the identity, until the token's cache time or expiry, whichever comes
// first. Failures are never cached (the caller only inserts successes).
//
// Bounded by entries and by bytes (an estimate of what each entry holds); the oldest entry goes
// first, and expired ones go as soon as they reach the front. A principal's details (ARNs,
// account, IDs) are kept once and shared by all its tokens' entries, so each fresh token costs
// about 200 bytes. Thread-safe.
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "identity/identity.h"
#include "util/crypto.h"
#include "util/time.h"

namespace kubeiam::server {

class VerifiedTokenCache {
 public:
  VerifiedTokenCache(size_t max_entries, size_t max_bytes) : max_entries_(max_entries), max_bytes_(max_bytes) {}

  std::optional<identity::Identity> Find(const Digest& token_hash, TimePoint now);
  void Insert(const Digest& token_hash, const identity::Identity& id, TimePoint expires, TimePoint now);

  size_t size() const;
  size_t bytes() const;  // the estimate the byte bound is kept against

 private:
  struct KeyHash {
    size_t operator()(const Digest& d) const;
  };
  struct Entry {
    std::shared_ptr<const identity::Identity> principal;  // access_key_id empty: shared
    std::string access_key_id;
    TimePoint expires;
    size_t bytes;  // its own share (the principal's details are counted once, apart)
  };
  void EraseLocked(std::unordered_map<Digest, Entry, KeyHash>::iterator it);
  std::shared_ptr<const identity::Identity> InternLocked(const identity::Identity& id);

  const size_t max_entries_;
  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::unordered_map<Digest, Entry, KeyHash> entries_;
  std::deque<Digest> order_;  // insertion order; may name entries already gone
  // The shared principal details, keyed by ARN, user ID and STS host.
  std::unordered_map<std::string, std::shared_ptr<const identity::Identity>> principals_;
  size_t bytes_ = 0;
};

}  // namespace kubeiam::server
