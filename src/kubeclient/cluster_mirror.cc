#include "kubeclient/cluster_mirror.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <condition_variable>
#include <map>
#include <optional>
#include <mutex>
#include <thread>

#include "kubeclient/cluster_kinds.h"
#include "kubeclient/object_list.h"
#include "util/retry_pause.h"

namespace kubeiam::kubeclient {
namespace {

namespace json = boost::json;
using SteadyClock = std::chrono::steady_clock;

std::string MetaOf(const json::object& o, const char* key) {
  const json::value* m = o.if_contains("metadata");
  const json::value* v = m && m->is_object() ? m->as_object().if_contains(key) : nullptr;
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string KeyOf(const json::object& o) { return MetaOf(o, "namespace") + "/" + MetaOf(o, "name"); }

}  // namespace

// One collection: its objects by namespace/name, the version a watch resumes from, and how its
// watch fares.
struct ClusterMirror::Feed {
  Collection what;
  mutable std::mutex mu;  // guards objects and version
  std::map<std::string, json::object> objects;
  std::string version;
  std::atomic<bool> watching{false};
  std::atomic<bool> lost{false};    // the last attempt failed: the objects are as last seen
  std::atomic<int64_t> lost_at{0};  // steady-clock seconds when it was lost
  std::atomic<uint64_t> relists{0}, reconnects{0};
  std::thread thread;
};

ClusterMirror::ClusterMirror(KubeClient client, MirrorOptions options)
    : client_(std::move(client)), options_(std::move(options)) {
  auto add = [&](const Collection& c) {
    feeds_.push_back(std::make_unique<Feed>());
    feeds_.back()->what = c;
  };
  if (options_.rbac) {
    for (const auto& c : RbacCollections()) add(c);
  }
  if (options_.aws_auth) add(AwsAuthCollection());
}

Result<std::shared_ptr<ClusterMirror>> ClusterMirror::Start(KubeClient client, MirrorOptions options) {
  std::shared_ptr<ClusterMirror> m(new ClusterMirror(std::move(client), std::move(options)));
  for (auto& feed : m->feeds_) {
    if (auto ok = m->Relist(*feed); !ok) return std::unexpected(ok.error());
  }
  for (auto& feed : m->feeds_) feed->thread = std::thread([m = m.get(), f = feed.get()] { m->Run(*f); });
  return m;
}

ClusterMirror::~ClusterMirror() {
  stop_ = true;
  for (auto& feed : feeds_) {
    if (feed->thread.joinable()) feed->thread.join();
  }
}

void ClusterMirror::OnChange(std::function<void()> call) {
  std::lock_guard<std::mutex> l(call_mu_);
  on_change_ = std::move(call);
}

void ClusterMirror::Changed() {
  generation_.fetch_add(1);
  std::lock_guard<std::mutex> l(call_mu_);
  if (on_change_) on_change_();
}

Status ClusterMirror::Relist(Feed& feed) {
  auto list = ListAll(client_, feed.what);
  if (!list) return std::unexpected(list.error());
  std::map<std::string, json::object> objects;
  for (auto& item : list->items) {
    if (item.is_object()) objects[KeyOf(item.as_object())] = std::move(item.as_object());
  }
  {
    std::lock_guard<std::mutex> l(feed.mu);
    feed.objects = std::move(objects);
    feed.version = list->resource_version;
  }
  Changed();
  return {};
}

// Lists when needed, watches, and starts again, until the mirror is destroyed. A failure, a
// server that ends watches at once without a word, and 410s back to back all back off.
void ClusterMirror::Run(Feed& feed) {
  int failures = 0, gone_in_row = 0;
  bool relist = false;
  auto back_off = [&] { PauseUnlessStopped(std::min(options_.max_backoff, options_.first_backoff * (1 << std::min(failures++, 16))), stop_); };
  while (!stop_.load()) {
    if (relist) {
      if (auto ok = Relist(feed); !ok) {
        Lost(feed, ok.error());
        back_off();
        continue;
      }
      relist = false;
    }
    WatchEnd end = WatchOnce(feed);
    if (stop_.load()) return;
    gone_in_row = end.kind == WatchEnd::kGone ? gone_in_row + 1 : 0;
    if (end.kind == WatchEnd::kEnded) {  // the server's timeout: carry on from the last version
      if (end.quiet) back_off();
      else failures = 0;
    } else if (end.kind == WatchEnd::kGone) {
      ++feed.relists;
      if (options_.log) options_.log(false, "the watch of " + feed.what.resource() + " is too old (410 Gone): listing again");
      if (gone_in_row > 1) back_off();
      relist = true;
    } else {
      Lost(feed, end.error);
      back_off();
    }
  }
}

ClusterMirror::WatchEnd ClusterMirror::WatchOnce(Feed& feed) {
  std::string version;
  {
    std::lock_guard<std::mutex> l(feed.mu);
    version = feed.version;
  }
  std::string path = feed.what.path + QueryOf(feed.what, "watch=true&allowWatchBookmarks=true&resourceVersion=" + version +
                                                              "&timeoutSeconds=" + std::to_string(options_.watch_timeout.count()));
  auto started = SteadyClock::now();
  size_t events = 0;
  std::optional<WatchEnd> end;
  auto answer = client_.Stream(
      path,
      [&](std::string_view line) {
        events += !line.empty();
        end = ApplyEvent(feed, line);
        return !end;
      },
      options_.idle, &stop_);
  feed.watching = false;
  if (end) return *end;
  if (answer && answer->status == 410) return {WatchEnd::kGone, {}, false};
  if (!answer) return {WatchEnd::kFailed, answer.error(), false};
  if (answer->status / 100 != 2) return {WatchEnd::kFailed, Refusal(client_.context(), *answer, "watch", feed.what.resource()), false};
  return {WatchEnd::kEnded, {}, events == 0 && SteadyClock::now() - started < std::chrono::seconds(5)};
}

// One line of a watch: "" when the stream opens, then one event per line. Nothing: go on.
std::optional<ClusterMirror::WatchEnd> ClusterMirror::ApplyEvent(Feed& feed, std::string_view line) {
  if (line.empty()) {
    feed.watching = true;
    if (feed.lost.exchange(false)) {
      ++feed.reconnects;
      if (options_.log) options_.log(false, "watching " + feed.what.resource() + " on the cluster again");
    }
    return std::nullopt;
  }
  boost::system::error_code ec;
  json::value doc = json::parse(line, ec);
  const json::object* event = ec ? nullptr : doc.if_object();
  const json::value* type = event ? event->if_contains("type") : nullptr;
  const json::value* object = event ? event->if_contains("object") : nullptr;
  if (!type || !type->is_string() || !object || !object->is_object()) {
    return WatchEnd{WatchEnd::kFailed, {ErrorCode::kFormat, "a watch event of " + feed.what.resource() + " is not {type, object}"}, false};
  }
  const json::object& o = object->as_object();
  if (*type == "ERROR") {
    const json::value* code = o.if_contains("code");
    if (code && code->is_int64() && code->as_int64() == 410) return WatchEnd{WatchEnd::kGone, {}, false};
    return WatchEnd{WatchEnd::kFailed, {ErrorCode::kUpstream, "the watch of " + feed.what.resource() + " failed: " + json::serialize(o)}, false};
  }
  {
    std::lock_guard<std::mutex> l(feed.mu);
    if (std::string v = MetaOf(o, "resourceVersion"); !v.empty()) feed.version = v;
    if (*type == "BOOKMARK") return std::nullopt;
    json::object item = o;
    item["apiVersion"] = feed.what.api_version;
    item["kind"] = feed.what.kind;
    if (*type == "DELETED") {
      feed.objects.erase(KeyOf(o));
    } else {
      feed.objects[KeyOf(o)] = std::move(item);
    }
  }
  Changed();  // outside the feed's lock: whoever hears it may read the mirror
  return std::nullopt;
}

void ClusterMirror::Lost(Feed& feed, const Error& error) {
  if (!feed.lost.exchange(true)) {
    feed.lost_at = std::chrono::duration_cast<std::chrono::seconds>(SteadyClock::now().time_since_epoch()).count();
  }
  if (options_.log) options_.log(true, "cannot watch " + feed.what.resource() + ", serving the last objects seen: " + error.message);
}

Result<rbac::Objects> ClusterMirror::Rbac() {
  json::array items;
  for (const auto& feed : feeds_) {
    if (feed->what.kind == "ConfigMap") continue;
    std::lock_guard<std::mutex> l(feed->mu);
    for (const auto& [key, o] : feed->objects) items.push_back(o);
  }
  return ParseRbacItems(std::move(items), "context " + client_.context().context_name);
}

Result<std::optional<std::string>> ClusterMirror::AwsAuth() {
  for (const auto& feed : feeds_) {
    if (feed->what.kind != "ConfigMap") continue;
    std::lock_guard<std::mutex> l(feed->mu);
    auto it = feed->objects.find("kube-system/aws-auth");
    if (it == feed->objects.end()) return std::optional<std::string>();
    return std::optional<std::string>(json::serialize(it->second));
  }
  return std::optional<std::string>();
}

std::string ClusterMirror::Metrics() const {
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(SteadyClock::now().time_since_epoch()).count();
  std::string up, stale, relists, reconnects;
  for (const auto& feed : feeds_) {
    std::string label = "{resource=\"" + feed->what.resource() + "\"} ";
    bool lost = feed->lost.load();
    up += "kubeiam_cluster_watch_up" + label + (lost ? "0" : "1") + "\n";
    stale += "kubeiam_cluster_watch_stale_seconds" + label + std::to_string(lost ? now - feed->lost_at.load() : 0) + "\n";
    relists += "kubeiam_cluster_watch_relists_total" + label + std::to_string(feed->relists.load()) + "\n";
    reconnects += "kubeiam_cluster_watch_reconnects_total" + label + std::to_string(feed->reconnects.load()) + "\n";
  }
  return "# HELP kubeiam_cluster_watch_up Whether the collection is watched on the cluster now (1) or served as last seen (0).\n"
         "# TYPE kubeiam_cluster_watch_up gauge\n" + up +
         "# HELP kubeiam_cluster_watch_stale_seconds Seconds since the watch was lost (0 while it runs).\n"
         "# TYPE kubeiam_cluster_watch_stale_seconds gauge\n" + stale +
         "# HELP kubeiam_cluster_watch_relists_total Full lists after the server said the watch was too old.\n"
         "# TYPE kubeiam_cluster_watch_relists_total counter\n" + relists +
         "# HELP kubeiam_cluster_watch_reconnects_total Watches opened again after the server was lost.\n"
         "# TYPE kubeiam_cluster_watch_reconnects_total counter\n" + reconnects;
}

}  // namespace kubeiam::kubeclient
