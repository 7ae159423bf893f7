// Latency percentiles of a benchmark's timed iterations, reported as counters.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <vector>

namespace kubeiam {

class Percentiles {
 public:
  void Add(std::chrono::steady_clock::duration d) { ms_.push_back(std::chrono::duration<double, std::milli>(d).count()); }
  void Report(benchmark::State& state) {
    if (ms_.empty()) return;
    std::sort(ms_.begin(), ms_.end());
    state.counters["p50_ms"] = ms_[ms_.size() / 2];
    state.counters["p99_ms"] = ms_[std::min(ms_.size() - 1, ms_.size() * 99 / 100)];
  }

 private:
  std::vector<double> ms_;
};

}  // namespace kubeiam
