// watch of the stored kinds: the store's own watch from a resourceVersion, as the API server's
// event stream (spec/kube-api.md §5): ADDED, MODIFIED, DELETED (the last state, at the deletion's
// revision), BOOKMARK when asked for, and an ERROR 410 event for a start the store no longer
// has, so that clients list again. With a selector, an object that comes to match it is ADDED
// and one that stops matching is DELETED (in its new state), as the API server's watch cache
// sends them.
#include <boost/json/serialize.hpp>
#include <charconv>
#include <set>

#include "kubeapi/api_errors.h"
#include "kubeapi/object_meta.h"
#include "kubeapi/object_selector.h"
#include "kubeapi/object_table.h"
#include "kubeapi/object_verbs.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

json::object ExpiredEvent(const std::string& message) {
  return {{"type", "ERROR"},
          {"object", json::object{{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()}, {"status", "Failure"},
                                  {"message", message}, {"reason", "Expired"}, {"code", 410}}}};
}

struct WatchOptions {
  ObjectSelector selector;
  std::string name;  // a watch of one object
  bool table = false, bookmarks = false;
  Clock::time_point deadline;
};

class StoredWatch : public http::ResponseStream {
 public:
  StoredWatch(const StoredKind& kind, WatchOptions options, std::unique_ptr<store::Watcher> watcher, int64_t revision,
              TimePoint now)
      : kind_(kind), options_(std::move(options)), watcher_(std::move(watcher)), revision_(revision), now_(now) {}

  // Objects that exist at the start: sent as ADDED events, or (a watch from a resourceVersion)
  // only remembered as the ones the selector holds.
  void Initial(std::vector<StoredObject> items, bool announce) {
    bool track = !options_.selector.Empty();
    for (auto& i : items) {
      if (!options_.selector.Matches(i.object)) continue;
      if (track) matching_.insert(Identity(i.object));
      if (announce) Send("ADDED", std::move(i.object));
    }
  }

  bool Poll(std::string& out) override {
    out += std::move(pending_);
    pending_.clear();
    if (done_) return false;
    auto events = watcher_->Next(std::chrono::milliseconds(0));
    if (!events) return Ended(out, events.error());
    for (auto& e : *events) Apply(e);
    out += std::move(pending_);
    pending_.clear();
    if (options_.bookmarks && Clock::now() - last_bookmark_ > std::chrono::seconds(60)) out += Bookmark();
    return Clock::now() < options_.deadline;
  }

  std::chrono::milliseconds Interval() const override { return std::chrono::milliseconds(20); }

 private:
  void Apply(const store::Event& e) {
    revision_ = std::max(revision_, e.kv.mod_revision);
    bool deleted = e.type == store::Event::Type::kDelete;
    store::KeyValue kv = deleted && e.prev_kv ? *e.prev_kv : e.kv;
    kv.mod_revision = e.kv.mod_revision;  // a deletion carries the deletion's revision
    auto decoded = ObjectRegistry::Decode(kv);
    if (!decoded) return;
    json::object& object = decoded->object;
    if (!options_.name.empty() && MetaString(object, "name") != options_.name) return;
    const char* plain = deleted ? "DELETED" : e.kv.create_revision == e.kv.mod_revision ? "ADDED" : "MODIFIED";
    if (options_.selector.Empty()) return Send(plain, std::move(object));
    bool matches = options_.selector.Matches(object);
    // With a selector: what the watch holds decides between entering, changing and leaving.
    std::string id = Identity(object);
    bool was = matching_.erase(id) > 0;
    if (deleted) {
      if (matches || was) Send("DELETED", std::move(object));
      return;
    }
    if (matches) matching_.insert(id);
    if (matches) return Send(was ? plain : "ADDED", std::move(object));  // changed inside, or entered
    if (was) Send("DELETED", std::move(object));                        // left
  }

  static std::string Identity(const json::object& o) { return MetaString(o, "namespace") + "/" + MetaString(o, "name"); }

  void Send(const char* type, json::object object) {
    json::value shown = object;
    if (options_.table) {
      json::object table = TableOf(kind_, {&object}, MetaString(object, "resourceVersion"), now_);
      if (sent_table_) table["columnDefinitions"] = json::array();  // only the first event carries them
      sent_table_ = true;
      shown = std::move(table);
    }
    pending_ += json::serialize(json::object{{"type", type}, {"object", std::move(shown)}}) + "\n";
  }

  std::string Bookmark() {
    last_bookmark_ = Clock::now();
    json::object meta{{"resourceVersion", std::to_string(revision_)}, {"creationTimestamp", nullptr}};
    return json::serialize(json::object{{"type", "BOOKMARK"},
                                        {"object", json::object{{"kind", kind_.kind}, {"apiVersion", kind_.ApiVersion()}, {"metadata", meta}}}}) +
           "\n";
  }

  bool Ended(std::string& out, const Error& e) {
    done_ = true;
    if (e.code == ErrorCode::kGone) {
      out += json::serialize(ExpiredEvent("too old resource version: " + std::to_string(revision_) + " (" + std::to_string(revision_) + ")")) + "\n";
    }
    return false;
  }

  const StoredKind& kind_;
  WatchOptions options_;
  std::unique_ptr<store::Watcher> watcher_;
  int64_t revision_;
  TimePoint now_;
  std::string pending_;
  std::set<std::string> matching_;  // with a selector: namespace/name of the objects it holds
  bool done_ = false, sent_table_ = false;
  Clock::time_point last_bookmark_ = Clock::now();
};

std::optional<http::HttpResponse> CheckWatchOptions(const RequestInfo& info) {
  if (info.First("sendInitialEvents")) {
    return StatusResponse(422, "Invalid", "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the "
                                          "WatchList feature gate is enabled");
  }
  if (info.First("resourceVersionMatch")) {
    return StatusResponse(422, "Invalid",
                          "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is "
                          "forbidden for watch unless sendInitialEvents is provided",
                          json::object{{"group", "meta.k8s.io"}, {"kind", "ListOptions"}});
  }
  return std::nullopt;
}

Clock::time_point Deadline(const RequestInfo& info) {
  int seconds = 1800;
  if (const std::string* t = info.First("timeoutSeconds")) {
    int asked = 0;
    auto [end, ec] = std::from_chars(t->data(), t->data() + t->size(), asked);
    if (ec == std::errc() && end == t->data() + t->size() && asked > 0) seconds = std::min(asked, 3600);
  }
  return Clock::now() + std::chrono::seconds(seconds);
}

// A watch that cannot start where asked: one ERROR event, then the end.
http::HttpResponse Gone(std::string_view rv, int64_t current) {
  std::string message = "too old resource version: " + std::string(rv) + " (" + std::to_string(current) + ")";
  return {200, "application/json", json::serialize(ExpiredEvent(message)) + "\n", {}};
}

}  // namespace

http::HttpResponse WatchStored(const VerbContext& c) {
  if (auto refused = CheckWatchOptions(c.info)) return *refused;
  auto selector = ObjectSelector::Parse(c.info.Value("labelSelector"), c.info.Value("fieldSelector"), c.kind.resource,
                                        c.kind.namespaced);
  if (!selector) return BadRequest(selector.error().message);
  if (c.request.method == "HEAD") return {200, "application/json", "", {}};
  std::string_view rv = c.info.Value("resourceVersion");
  int64_t from = 0;
  bool initial = rv.empty() || rv == "0";
  if (!initial && (std::from_chars(rv.data(), rv.data() + rv.size(), from).ec != std::errc() || from <= 0)) {
    return BadRequest("resourceVersion: Invalid value: " + GoQuote(rv) + ": must be a valid resource version");
  }
  std::vector<StoredObject> existing;
  // From a resourceVersion with a selector, what matches now stands in for what matched then.
  if (initial || !selector->Empty()) {
    auto listed = c.registry.List(c.kind, c.ns());
    if (!listed) return StoreFailure(listed.error());
    if (initial) from = listed->revision;
    existing = std::move(listed->items);
  }
  auto watcher = c.registry.Watch(c.kind, c.ns(), from);
  if (!watcher && watcher.error().code == ErrorCode::kGone) return Gone(rv, from);
  if (!watcher) return StoreFailure(watcher.error());
  bool table = WantsTable(c.request.Header("Accept"));
  WatchOptions options{std::move(*selector), c.name(), table, c.info.Flag("allowWatchBookmarks"), Deadline(c.info)};
  auto stream = std::make_shared<StoredWatch>(c.kind, std::move(options), std::move(*watcher), from, c.now);
  stream->Initial(std::move(existing), initial);
  http::HttpResponse r{200, table ? "application/json;as=Table;v=v1;g=meta.k8s.io" : "application/json", "", {}};
  r.stream = std::move(stream);
  return r;
}

}  // namespace kubeiam::kubeapi
