#include "util/retry_pause.h"

#include <algorithm>
#include <random>
#include <thread>

namespace kubeiam {

std::chrono::milliseconds JitteredPause(std::chrono::milliseconds ceiling) {
  thread_local std::minstd_rand random(std::random_device{}());
  return std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(ceiling.count() / 2, ceiling.count())(random));
}

void PauseUnlessStopped(std::chrono::milliseconds ceiling, const std::atomic<bool>& stop) {
  using Clock = std::chrono::steady_clock;
  for (auto until = Clock::now() + JitteredPause(ceiling); !stop.load() && Clock::now() < until;) {
    std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(20), until - Clock::now()));
  }
}

}  // namespace kubeiam
