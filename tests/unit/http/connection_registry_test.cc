#include "http/connection_registry.h"

#include <gtest/gtest.h>

#include <thread>

namespace kubeiam::http {
namespace {

using Admission = ConnectionRegistry::Admission;

TEST(ConnectionRegistry, EvictsTheLongestIdleWhenFull) {
  ConnectionRegistry registry(2);
  std::vector<int> closed;
  auto a = registry.Admit([&] { closed.push_back(1); });
  auto b = registry.Admit([&] { closed.push_back(2); });
  ASSERT_EQ(a.admission, Admission::kAdmitted);
  ASSERT_EQ(b.admission, Admission::kAdmitted);
  b.handle->SetIdle(true);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  a.handle->SetIdle(true);
  auto c = registry.Admit([&] { closed.push_back(3); });
  EXPECT_EQ(c.admission, Admission::kAdmittedAfterEviction);
  EXPECT_EQ(closed, std::vector<int>{2});  // idle longest
  EXPECT_EQ(registry.open(), 3u);          // until the evicted connection has gone
  b.handle.reset();
  EXPECT_EQ(registry.open(), 2u);
  EXPECT_EQ(registry.closed_total(), 1u);
}

TEST(ConnectionRegistry, RefusesWhenNoneIsIdle) {
  ConnectionRegistry registry(1);
  int closes = 0;
  auto busy = registry.Admit([&] { ++closes; });
  auto refused = registry.Admit([&] { ++closes; });
  EXPECT_EQ(refused.admission, Admission::kRefused);
  EXPECT_EQ(refused.handle, nullptr);
  EXPECT_EQ(closes, 0);
  EXPECT_FALSE(registry.EvictOldestIdle());
  busy.handle->SetIdle(true);
  EXPECT_TRUE(registry.EvictOldestIdle());
  EXPECT_EQ(closes, 1);
  EXPECT_FALSE(registry.EvictOldestIdle());  // an evicted connection is not chosen twice
}

}  // namespace
}  // namespace kubeiam::http
