#include "server/verified_token_cache.h"

#include <cstring>

namespace kubeiam::server {
namespace {

// What an entry costs beyond its strings: its hash-map node and bucket, and its place in the
// order queue. An estimate, kept against the byte bound.
constexpr size_t kEntryOverhead = sizeof(Digest) * 2 + 96;

size_t HeapBytes(const std::string& s) { return s.size() > 15 ? s.capacity() + 16 : 0; }

size_t PrincipalBytes(const identity::Identity& id) {
  return sizeof(identity::Identity) + 64 + HeapBytes(id.arn) + HeapBytes(id.canonical_arn) + HeapBytes(id.account_id) +
         HeapBytes(id.user_id) + HeapBytes(id.session_name) + HeapBytes(id.sts_endpoint);
}

std::string PrincipalKey(const identity::Identity& id) {
  return id.arn + '\n' + id.user_id + '\n' + id.sts_endpoint;
}

}  // namespace

size_t VerifiedTokenCache::KeyHash::operator()(const Digest& d) const {
  size_t h;
  std::memcpy(&h, d.data(), sizeof h);  // a SHA-256 is uniform already
  return h;
}

std::optional<identity::Identity> VerifiedTokenCache::Find(const Digest& token_hash, TimePoint now) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = entries_.find(token_hash);
  if (it == entries_.end()) return std::nullopt;
  if (now >= it->second.expires) {
    EraseLocked(it);
    return std::nullopt;
  }
  identity::Identity id = *it->second.principal;
  id.access_key_id = it->second.access_key_id;
  return id;
}

void VerifiedTokenCache::Insert(const Digest& token_hash, const identity::Identity& id, TimePoint expires, TimePoint now) {
  std::lock_guard<std::mutex> l(mu_);
  if (entries_.contains(token_hash)) return;
  // Oldest first: past either bound, or expired (entries are inserted with nearly the same
  // lifetime, so the front expires first).
  while (!order_.empty()) {
    auto front = entries_.find(order_.front());
    bool full = entries_.size() >= max_entries_ || bytes_ >= max_bytes_;
    if (front != entries_.end() && !full && now < front->second.expires) break;
    if (front != entries_.end()) EraseLocked(front);
    order_.pop_front();
  }
  size_t bytes = kEntryOverhead + HeapBytes(id.access_key_id);
  auto principal = InternLocked(id);
  entries_.emplace(token_hash, Entry{std::move(principal), id.access_key_id, expires, bytes});
  order_.push_back(token_hash);
  bytes_ += bytes;
}

std::shared_ptr<const identity::Identity> VerifiedTokenCache::InternLocked(const identity::Identity& id) {
  std::string key = PrincipalKey(id);
  auto& slot = principals_[key];
  if (!slot) {
    identity::Identity shared = id;
    shared.access_key_id.clear();
    slot = std::make_shared<const identity::Identity>(std::move(shared));
    bytes_ += PrincipalBytes(*slot) + HeapBytes(key);
  }
  return slot;
}

void VerifiedTokenCache::EraseLocked(std::unordered_map<Digest, Entry, KeyHash>::iterator it) {
  bytes_ -= it->second.bytes;
  auto principal = std::move(it->second.principal);
  entries_.erase(it);
  // The last entry of a principal takes its shared details along (the map holds one reference).
  if (principal.use_count() == 2) {
    std::string key = PrincipalKey(*principal);
    size_t freed = PrincipalBytes(*principal) + HeapBytes(key);
    principals_.erase(key);
    bytes_ -= freed;
  }
}

size_t VerifiedTokenCache::size() const {
  std::lock_guard<std::mutex> l(mu_);
  return entries_.size();
}

size_t VerifiedTokenCache::bytes() const {
  std::lock_guard<std::mutex> l(mu_);
  return bytes_;
}

}  // namespace kubeiam::server
