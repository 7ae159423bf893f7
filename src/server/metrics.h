// Prometheus text exposition for the few series kubeiam keeps: counters and latency histograms
// with one label, lock-free on the request path.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kubeiam::server {

class Histogram {
 public:
  static constexpr std::array<double, 11> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0};
  void Observe(double seconds);
  std::string Render(const std::string& name, const std::string& labels) const;

 private:
  std::array<std::atomic<uint64_t>, kBuckets.size()> counts_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micros_{0};
};

class Metrics {
 public:
  void CountAuthentication(const std::string& result, std::chrono::steady_clock::duration latency);
  void Count(const std::string& name, const std::string& labels = "");
  // A latency in the histogram `name` with these labels ("verb=\"get\"").
  void Observe(const std::string& name, const std::string& labels, std::chrono::steady_clock::duration latency);
  // One request of a listener: kubeiam_<what>_requests_total{verb,code} and
  // kubeiam_<what>_request_duration_seconds{verb} (Prometheus' naming, as apiserver_request_*);
  // code 0 (a request relayed to an upstream, which answers) counts as code="proxied"; a verb
  // outside Kubernetes' and HTTP's counts as "other".
  void CountRequest(const std::string& what, const std::string& verb, int code, std::chrono::steady_clock::duration latency);
  std::string Render() const;
  // Series owned elsewhere (gauges such as open connections), rendered after kubeiam's own;
  // `render` returns Prometheus text and must not block.
  void AddSource(std::function<std::string()> render);

 private:
  mutable std::mutex mu_;  // guards creating series; updates are atomic
  std::map<std::string, std::unique_ptr<Histogram>> latency_;              // by result
  std::map<std::string, std::unique_ptr<std::atomic<uint64_t>>> counters_;  // "name{labels}"
  std::map<std::pair<std::string, std::string>, std::unique_ptr<Histogram>> histograms_;  // (name, labels)
  std::vector<std::function<std::string()>> sources_;
};

}  // namespace kubeiam::server
