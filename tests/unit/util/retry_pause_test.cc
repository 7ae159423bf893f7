#include "util/retry_pause.h"

#include <gtest/gtest.h>

namespace kubeiam {
namespace {

TEST(RetryPause, BetweenHalfAndAllOfTheCeiling) {
  bool below_ceiling = false;
  for (int i = 0; i < 200; ++i) {
    auto p = JitteredPause(std::chrono::milliseconds(1000));
    EXPECT_GE(p.count(), 500);
    EXPECT_LE(p.count(), 1000);
    below_ceiling = below_ceiling || p.count() < 1000;
  }
  EXPECT_TRUE(below_ceiling) << "jittered, not fixed";
}

TEST(RetryPause, AStopCutsItShort) {
  std::atomic<bool> stop{true};
  auto start = std::chrono::steady_clock::now();
  PauseUnlessStopped(std::chrono::hours(1), stop);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace kubeiam
