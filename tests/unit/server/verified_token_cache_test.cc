#include "server/verified_token_cache.h"

#include <gtest/gtest.h>

namespace kubeiam::server {
namespace {

const TimePoint kNow = TimePoint(std::chrono::seconds(1700000000));

identity::Identity Who(const std::string& name, const std::string& key) {
  identity::Identity id;
  id.arn = "arn:aws:iam::111122223333:user/" + name;
  id.canonical_arn = id.arn;
  id.account_id = "111122223333";
  id.user_id = "AIDA" + name;
  id.access_key_id = key;
  id.sts_endpoint = "sts.amazonaws.com";
  return id;
}

Digest Key(int i) { return Sha256("token-" + std::to_string(i)); }

TEST(VerifiedTokenCache, AnswersUntilExpiryWithEachTokensOwnKey) {
  VerifiedTokenCache cache(10, 1 << 20);
  cache.Insert(Key(1), Who("alice", "ASIAKEYONE0000000001"), kNow + std::chrono::seconds(60), kNow);
  cache.Insert(Key(2), Who("alice", "ASIAKEYTWO0000000002"), kNow + std::chrono::seconds(60), kNow);
  auto one = cache.Find(Key(1), kNow);
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->arn, "arn:aws:iam::111122223333:user/alice");
  EXPECT_EQ(one->access_key_id, "ASIAKEYONE0000000001");
  EXPECT_EQ(cache.Find(Key(2), kNow)->access_key_id, "ASIAKEYTWO0000000002");
  EXPECT_FALSE(cache.Find(Key(3), kNow).has_value());
  EXPECT_FALSE(cache.Find(Key(1), kNow + std::chrono::seconds(60)).has_value());  // expired, and gone
  EXPECT_EQ(cache.size(), 1u);
}

TEST(VerifiedTokenCache, OldestGoFirstPastTheEntryBound) {
  VerifiedTokenCache cache(3, 1 << 20);
  for (int i = 0; i < 5; ++i) cache.Insert(Key(i), Who("u" + std::to_string(i), "K"), kNow + std::chrono::hours(1), kNow);
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.Find(Key(0), kNow).has_value());
  EXPECT_FALSE(cache.Find(Key(1), kNow).has_value());
  EXPECT_TRUE(cache.Find(Key(4), kNow).has_value());
}

TEST(VerifiedTokenCache, TheByteBoundHoldsAndSharedPrincipalsAreCheap) {
  VerifiedTokenCache cache(100000, 64 * 1024);
  for (int i = 0; i < 5000; ++i) {
    cache.Insert(Key(i), Who("alice", "ASIA" + std::to_string(1000000000000000 + i)), kNow + std::chrono::hours(1), kNow);
  }
  EXPECT_LE(cache.bytes(), 64u * 1024 + 512);
  EXPECT_LT(cache.bytes() / cache.size(), 250u);  // one principal's tokens share its details
  for (int i = 0; i < 5000; ++i) cache.Insert(Key(10000 + i), Who("u" + std::to_string(i), "K"), kNow + std::chrono::hours(1), kNow);
  EXPECT_LE(cache.bytes(), 64u * 1024 + 1024);
}

TEST(VerifiedTokenCache, ExpiredEntriesLeaveAsNewOnesArrive) {
  VerifiedTokenCache cache(100, 1 << 20);
  cache.Insert(Key(1), Who("alice", "K1"), kNow + std::chrono::seconds(1), kNow);
  cache.Insert(Key(2), Who("bob", "K2"), kNow + std::chrono::hours(1), kNow + std::chrono::seconds(5));
  EXPECT_EQ(cache.size(), 1u);
  VerifiedTokenCache only_bob(100, 1 << 20);
  only_bob.Insert(Key(2), Who("bob", "K2"), kNow + std::chrono::hours(1), kNow);
  EXPECT_EQ(cache.bytes(), only_bob.bytes());  // alice's entry and her shared details are gone
}

}  // namespace
}  // namespace kubeiam::server
