// The one Sources layer: it loads every source a decision depends on — the config's own
// mappings, the aws-auth manifest, the DynamicFile, the access-entries file or store (entries
// and the authentication mode), RBAC manifests — and publishes them as one immutable Snapshot.
// `kubeiam serve` and every command that reads state build their view here, so a question asked
// offline with --config gets the answer the server gives live.
//
// Refresh re-reads what changed (file stamps, the store's count of writes). A source that fails
// keeps its last good state and Refresh reports why; only a well-formed document empties a
// source. Watch runs Refresh on threads of its own when a watched file changes (inotify on the
// files' folders, so that renames and editors' atomic saves count) or the store reports a change
// (its watch), and every 250 ms whatever happens.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "state/snapshot.h"
#include "state/stored_objects.h"
#include "state/source_settings.h"

namespace kubeiam::state {

class Sources {
 public:
  // The first load: any source that fails is an error naming it (a missing mapping file means
  // no mappings).
  static Result<std::unique_ptr<Sources>> Open(SourceSettings settings);
  ~Sources();

  std::shared_ptr<const Snapshot> snapshot() const { return snapshot_.load(); }

  // Re-reads the sources that changed and publishes a new snapshot if any did. Errors name the
  // sources that failed (their last good state is kept).
  Status Refresh();
  // New settings (SIGHUP): every source is read again; a failure keeps the current snapshot.
  Status Reconfigure(SourceSettings next);

  // Refresh on threads of their own when something changes; `on_refresh` hears every refresh's
  // outcome (from either thread: it must be thread-safe).
  void Watch(std::function<void(const Status&)> on_refresh);
  void StopWatching();
  // Refresh soon, on the watch thread (a watched cluster saw a change).
  void Wake();
  // How many snapshots have been published (for tests and metrics).
  uint64_t generation() const { return generation_.load(); }

  // How the store's watch is keeping up (for metrics): the revision of the last change applied,
  // when it was applied (seconds since the epoch, 0: none yet), how often the watch was opened
  // again after it failed.
  struct StoreFollow {
    int64_t revision = 0;
    int64_t applied_at = 0;
    uint64_t reconnects = 0;
  };
  StoreFollow store_follow() const {
    return {follow_revision_.load(), follow_applied_at_.load(), follow_reconnects_.load()};
  }

 private:
  explicit Sources(SourceSettings s) : settings_(std::move(s)) {}
  Status Load(bool force);
  Status LoadAwsAuth(bool force, bool& changed);
  Status LoadDynamicFile(bool force, bool& changed);
  Status LoadAccessEntries(bool force, bool& changed);
  Status LoadRbac(bool force, bool& changed);
  Status CheckStoredObjects(bool force);
  Status LoadStoredAwsAuthTable(bool& changed);
  Status LoadClusterAwsAuthTable(bool& changed);
  Status SetAwsAuthTable(const std::optional<std::string>& text, bool& changed);
  void Publish();
  std::vector<std::string> WatchedPaths() const;

  std::mutex mu_;  // one load at a time; guards everything below but the snapshot
  SourceSettings settings_;
  std::string aws_auth_stamp_, dynamic_stamp_, entries_stamp_, rbac_stamp_;
  std::optional<uint64_t> store_revision_;
  uint64_t cluster_aws_auth_generation_ = 0;
  std::optional<eks::AuthenticationMode> store_mode_;
  ObjectsMark objects_mark_;       // where the stored objects stood when last read
  bool objects_dirty_ = false;    // they changed since: this load reads them again
  std::shared_ptr<const identity::MappingTable> aws_auth_, dynamic_, entries_table_;
  std::shared_ptr<const eks::AccessEntries> entries_ = std::make_shared<const eks::AccessEntries>();
  std::shared_ptr<const rbac::Authorizer> rbac_;
  std::atomic<std::shared_ptr<const Snapshot>> snapshot_;
  std::atomic<uint64_t> generation_{0};

  void WatchStore(const std::function<void(const Status&)>& on_refresh);
  void NoteApplied(int64_t revision);

  std::atomic<int64_t> follow_revision_{0}, follow_applied_at_{0};
  std::atomic<uint64_t> follow_reconnects_{0};

  std::atomic<bool> stop_{false};
  int wake_fd_ = -1;  // an eventfd that ends the watch thread's wait
  std::thread watcher_, store_watcher_;
};

}  // namespace kubeiam::state
