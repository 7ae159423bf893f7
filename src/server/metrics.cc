#include "server/metrics.h"

#include <cstdio>

namespace kubeiam::server {

void Histogram::Observe(double seconds) {
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) counts_[i].fetch_add(1, std::memory_order_relaxed);
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(uint64_t(seconds * 1e6), std::memory_order_relaxed);
}

std::string Histogram::Render(const std::string& name, const std::string& labels) const {
  std::string out;
  char buf[64];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%g", kBuckets[i]);
    out += name + "_bucket{" + labels + ",le=\"" + buf + "\"} " + std::to_string(counts_[i].load()) + "\n";
  }
  out += name + "_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(count_.load()) + "\n";
  std::snprintf(buf, sizeof buf, "%.6f", double(sum_micros_.load()) / 1e6);
  out += name + "_sum{" + labels + "} " + buf + "\n";
  out += name + "_count{" + labels + "} " + std::to_string(count_.load()) + "\n";
  return out;
}

void Metrics::CountAuthentication(const std::string& result, std::chrono::steady_clock::duration latency) {
  Histogram* h;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto& slot = latency_[result];
    if (!slot) slot = std::make_unique<Histogram>();
    h = slot.get();
  }
  h->Observe(std::chrono::duration<double>(latency).count());
}

void Metrics::Count(const std::string& name, const std::string& labels) {
  std::atomic<uint64_t>* c;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto& slot = counters_[labels.empty() ? name : name + "{" + labels + "}"];
    if (!slot) slot = std::make_unique<std::atomic<uint64_t>>(0);
    c = slot.get();
  }
  c->fetch_add(1, std::memory_order_relaxed);
}

void Metrics::Observe(const std::string& name, const std::string& labels, std::chrono::steady_clock::duration latency) {
  Histogram* h;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto& slot = histograms_[{name, labels}];
    if (!slot) slot = std::make_unique<Histogram>();
    h = slot.get();
  }
  h->Observe(std::chrono::duration<double>(latency).count());
}

namespace {

// Label values from a fixed set: a client inventing methods must not grow the series.
std::string KnownVerb(const std::string& verb) {
  static const char* kVerbs[] = {"get",   "list",   "watch",  "create", "update", "patch", "delete", "deletecollection",
                                 "proxy", "connect", "head", "options", "post",   "put"};
  for (const char* v : kVerbs) {
    if (verb == v) return verb;
  }
  return "other";
}

}  // namespace

void Metrics::CountRequest(const std::string& what, const std::string& verb, int code,
                           std::chrono::steady_clock::duration latency) {
  std::string v = "verb=\"" + KnownVerb(verb) + "\"";
  if (code < 0 || code > 599) code = 599;
  Count("kubeiam_" + what + "_requests_total", v + ",code=\"" + (code == 0 ? "proxied" : std::to_string(code)) + "\"");
  Observe("kubeiam_" + what + "_request_duration_seconds", v, latency);
}

std::string Metrics::Render() const {
  std::lock_guard<std::mutex> l(mu_);
  std::string out = "# HELP aws_iam_authenticator_authenticate_latency_seconds Authenticate call latency by result.\n"
                    "# TYPE aws_iam_authenticator_authenticate_latency_seconds histogram\n";
  for (const auto& [result, h] : latency_) {
    out += h->Render("aws_iam_authenticator_authenticate_latency_seconds", "result=\"" + result + "\"");
  }
  std::string last_name;
  for (const auto& [series, value] : counters_) {
    std::string name = series.substr(0, series.find('{'));
    if (name != last_name) out += "# TYPE " + name + " counter\n";
    last_name = name;
    out += series + " " + std::to_string(value->load()) + "\n";
  }
  last_name.clear();
  for (const auto& [key, h] : histograms_) {
    if (key.first != last_name) out += "# TYPE " + key.first + " histogram\n";
    last_name = key.first;
    out += h->Render(key.first, key.second);
  }
  for (const auto& render : sources_) out += render();
  return out;
}

void Metrics::AddSource(std::function<std::string()> render) {
  std::lock_guard<std::mutex> l(mu_);
  sources_.push_back(std::move(render));
}

}  // namespace kubeiam::server
