#include "server/store_meter.h"

namespace kubeiam::server {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

template <typename T>
Status StatusOf(const Result<T>& r) {
  if (r) return {};
  return std::unexpected(r.error());
}

}  // namespace

// Watch events report the store's health too: a replica that only watches still notices a loss.
class StoreMeter::MeteredWatcher : public store::Watcher {
 public:
  MeteredWatcher(std::shared_ptr<StoreMeter> meter, std::unique_ptr<store::Watcher> inner)
      : meter_(std::move(meter)), inner_(std::move(inner)) {}
  Result<std::vector<store::Event>> Next(std::chrono::milliseconds wait) override {
    auto events = inner_->Next(wait);
    meter_->Note(StatusOf(events));
    return events;
  }

 private:
  std::shared_ptr<StoreMeter> meter_;
  std::unique_ptr<store::Watcher> inner_;
};

StoreMeter::StoreMeter(std::shared_ptr<store::KvStore> inner, std::string kind)
    : inner_(std::move(inner)), kind_(std::move(kind)) {
  health_.since = std::chrono::system_clock::now();
}

void StoreMeter::Note(const Status& outcome) {
  bool reachable = outcome || outcome.error().code != ErrorCode::kUnavailable;
  std::lock_guard<std::mutex> l(mu_);
  if (reachable != health_.reachable) health_.since = std::chrono::system_clock::now();
  health_.reachable = reachable;
  health_.error = reachable ? "" : outcome.error().message;
}

StoreMeter::Health StoreMeter::health() const {
  std::lock_guard<std::mutex> l(mu_);
  return health_;
}

Result<store::RangeResponse> StoreMeter::Range(const store::RangeRequest& request) {
  auto got = inner_->Range(request);
  Note(StatusOf(got));
  return got;
}

Result<store::TxnResponse> StoreMeter::Txn(const store::TxnRequest& request) {
  auto start = Clock::now();
  auto done = inner_->Txn(request);
  double took = Seconds(Clock::now() - start);
  Note(StatusOf(done));
  (!done ? failed_ : done->succeeded ? committed_ : compare_failed_).Observe(took);
  return done;
}

Result<std::unique_ptr<store::Watcher>> StoreMeter::Watch(const std::string& key, const std::string& range_end,
                                                          int64_t start_revision) {
  auto w = inner_->Watch(key, range_end, start_revision);
  Note(StatusOf(w));
  if (!w) return w;
  return std::unique_ptr<store::Watcher>(std::make_unique<MeteredWatcher>(shared_from_this(), std::move(*w)));
}

Status StoreMeter::Compact(int64_t revision) {
  auto done = inner_->Compact(revision);
  Note(done);
  return done;
}

std::string StoreMeter::Metrics() const {
  Health h = health();
  std::string label = "store=\"" + kind_ + "\"";
  auto down_for = h.reachable ? 0 : std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now() - h.since).count();
  return "# HELP kubeiam_store_up Whether the last call to the store reached it (1) or not (0).\n"
         "# TYPE kubeiam_store_up gauge\n"
         "kubeiam_store_up{" + label + "} " + (h.reachable ? "1" : "0") + "\n"
         "# HELP kubeiam_store_unreachable_seconds Seconds since the store was lost (0 while it answers).\n"
         "# TYPE kubeiam_store_unreachable_seconds gauge\n"
         "kubeiam_store_unreachable_seconds{" + label + "} " + std::to_string(down_for) + "\n"
         "# HELP kubeiam_store_write_duration_seconds Store transactions by outcome.\n"
         "# TYPE kubeiam_store_write_duration_seconds histogram\n" +
         committed_.Render("kubeiam_store_write_duration_seconds", label + ",outcome=\"committed\"") +
         compare_failed_.Render("kubeiam_store_write_duration_seconds", label + ",outcome=\"compare_failed\"") +
         failed_.Render("kubeiam_store_write_duration_seconds", label + ",outcome=\"error\"");
}

}  // namespace kubeiam::server
