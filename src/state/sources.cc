#include "state/sources.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <filesystem>

#include "identity/access_entry_table.h"
#include "identity/aws_auth.h"
#include "identity/dynamic_file.h"
#include "rbac/bootstrap.h"
#include "rbac/loader.h"
#include "store/access_keys.h"
#include "store/object_keys.h"
#include "util/file.h"
#include "util/retry_pause.h"
#include "util/strings.h"

namespace kubeiam::state {
namespace {

// A watched file's text, or nothing when it does not exist yet (no mappings). Once the source
// has loaded, a file that is unreadable, gone or empty (whitespace only) is an error that keeps
// the last good state: an editor or a failed copy leaves those, and they would silently drop
// every mapping. Only a well-formed document with no entries empties a source.
Result<std::optional<std::string>> ReadSource(const std::string& path, bool loaded_before) {
  auto text = ReadFile(path, 64u << 20);
  bool missing = !text && text.error().code == ErrorCode::kNotFound;
  if (missing && !loaded_before) return std::nullopt;
  if (!text && !loaded_before) return std::unexpected(text.error());
  if (!text) return Fail(text.error().code, path + ": " + text.error().message + "; the last good state is kept");
  if (loaded_before && Trim(*text).empty()) {
    return Fail(ErrorCode::kFormat, path + ": the file is empty; the last good state is kept (a well-formed "
                                           "document with no entries empties the source)");
  }
  return std::move(*text);
}

// Runs `load` when the path's stamp moved (or when forced); keeps the first error.
template <typename Load>
void WhenChanged(const std::string& path, std::string& stamp, bool force, bool& changed, Status& result, Load load) {
  std::string now = FileStamp(path);
  if (!force && now == stamp) return;
  stamp = now;
  changed = true;
  if (Status s = load(); !s && result) result = std::unexpected(s.error());
}

// A mapping file through ReadSource and `parse` into `table`.
template <typename Parse>
Status LoadTable(const std::string& path, std::shared_ptr<const identity::MappingTable>& table, Parse parse) {
  auto text = ReadSource(path, table != nullptr);
  if (!text) return std::unexpected(text.error());
  Result<identity::MappingTable> parsed = *text ? parse(**text) : identity::MappingTable();
  // A parser that names the file itself (with a line and column) is not named twice.
  if (!parsed) return std::unexpected(parsed.error().message.starts_with(path + ":") ? parsed.error() : parsed.error().Wrap(path));
  table = std::make_shared<const identity::MappingTable>(std::move(*parsed));
  return {};
}

bool Has(const std::vector<std::string>& modes, std::string_view m) {
  return std::find(modes.begin(), modes.end(), m) != modes.end();
}

}  // namespace

Result<std::unique_ptr<Sources>> Sources::Open(SourceSettings settings) {
  std::unique_ptr<Sources> s(new Sources(std::move(settings)));
  if (auto ok = s->Load(true); !ok) return std::unexpected(ok.error());
  return s;
}

Sources::~Sources() { StopWatching(); }

Status Sources::Refresh() { return Load(false); }

// The new sources load on their own first; only a complete load replaces the current state, and
// then all of it (what was read for the old settings says nothing about the new ones).
Status Sources::Reconfigure(SourceSettings next) {
  Sources trial(std::move(next));
  if (auto ok = trial.Load(true); !ok) return ok;
  std::lock_guard<std::mutex> l(mu_);
  settings_ = std::move(trial.settings_);
  aws_auth_stamp_ = std::move(trial.aws_auth_stamp_);
  dynamic_stamp_ = std::move(trial.dynamic_stamp_);
  entries_stamp_ = std::move(trial.entries_stamp_);
  rbac_stamp_ = std::move(trial.rbac_stamp_);
  store_revision_ = trial.store_revision_;
  store_mode_ = trial.store_mode_;
  objects_mark_ = trial.objects_mark_;
  cluster_aws_auth_generation_ = trial.cluster_aws_auth_generation_;
  aws_auth_ = std::move(trial.aws_auth_);
  dynamic_ = std::move(trial.dynamic_);
  entries_table_ = std::move(trial.entries_table_);
  entries_ = std::move(trial.entries_);
  rbac_ = std::move(trial.rbac_);
  Publish();
  return {};
}

Status Sources::Load(bool force) {
  std::lock_guard<std::mutex> l(mu_);
  bool changed = force;
  Status result = CheckStoredObjects(force);
  for (auto load : {&Sources::LoadAwsAuth, &Sources::LoadDynamicFile, &Sources::LoadAccessEntries, &Sources::LoadRbac}) {
    if (Status s = (this->*load)(force, changed); !s && result) result = std::unexpected(s.error());
  }
  // Objects seen changed but not read whole: the next refresh reads them again.
  if (!result && objects_dirty_) objects_mark_ = ObjectsMark{};
  if (changed) Publish();
  return result;
}

// Whether the stored objects changed since they were read (the revision noted before reading,
// so that a change made during the read is seen next time).
Status Sources::CheckStoredObjects(bool force) {
  objects_dirty_ = false;
  if (!settings_.objects.kv) return {};
  auto changed = ObjectsChangedSince(settings_.objects, force ? ObjectsMark{} : objects_mark_);
  if (!changed) return std::unexpected(changed.error().Wrap("the store"));
  if (!*changed) return {};
  objects_mark_ = **changed;
  objects_dirty_ = true;
  return {};
}

Status Sources::LoadStoredAwsAuthTable(bool& changed) {
  if (!objects_dirty_) return {};
  auto text = LoadStoredAwsAuth(settings_.objects);
  if (!text) return std::unexpected(text.error().Wrap("the store"));
  return SetAwsAuthTable(*text, changed);
}

Status Sources::LoadClusterAwsAuthTable(bool& changed) {
  auto text = settings_.cluster->AwsAuth();
  if (!text) return std::unexpected(text.error());
  return SetAwsAuthTable(*text, changed);
}

Status Sources::SetAwsAuthTable(const std::optional<std::string>& text, bool& changed) {
  changed = true;
  const std::string where = "kube-system/aws-auth";
  Result<identity::MappingTable> table = identity::MappingTable();
  if (text) {
    auto parsed = identity::ParseAwsAuthConfigMap(*text, where);
    if (!parsed) return std::unexpected(parsed.error());
    for (const auto& p : parsed->problems) {
      if (settings_.on_problem) settings_.on_problem(where, p);
    }
    table = identity::BuildConfigMapTable(*parsed);
  }
  if (!table) return std::unexpected(table.error().Wrap(where));
  aws_auth_ = std::make_shared<const identity::MappingTable>(std::move(*table));
  return {};
}

Status Sources::LoadAwsAuth(bool force, bool& changed) {
  Status result;
  if (!Has(settings_.backend_modes, identity::kEksConfigMap)) return result;
  if (settings_.cluster && settings_.cluster_aws_auth && settings_.aws_auth_file.empty()) {
    // Noted before reading, so that a change made during the read is read next time.
    uint64_t generation = settings_.cluster->Generation();
    if (!force && generation == cluster_aws_auth_generation_) return result;
    cluster_aws_auth_generation_ = generation;
    return LoadClusterAwsAuthTable(changed);
  }
  if (settings_.objects.kv && settings_.aws_auth_file.empty()) return LoadStoredAwsAuthTable(changed);
  if (settings_.aws_auth_file.empty()) return result;
  const std::string& path = settings_.aws_auth_file;
  WhenChanged(path, aws_auth_stamp_, force, changed, result, [&] {
    return LoadTable(path, aws_auth_, [&](const std::string& text) -> Result<identity::MappingTable> {
      auto parsed = identity::ParseAwsAuthConfigMap(text, path);
      if (!parsed) return std::unexpected(parsed.error());
      for (const auto& p : parsed->problems) {
        if (settings_.on_problem) settings_.on_problem(path, p);
      }
      return identity::BuildConfigMapTable(*parsed);
    });
  });
  return result;
}

Status Sources::LoadDynamicFile(bool force, bool& changed) {
  Status result;
  if (!Has(settings_.backend_modes, identity::kDynamicFile) || settings_.dynamic_file.empty()) return result;
  WhenChanged(settings_.dynamic_file, dynamic_stamp_, force, changed, result, [&] {
    return LoadTable(settings_.dynamic_file, dynamic_, [&](const std::string& text) -> Result<identity::MappingTable> {
      auto parsed = identity::ParseDynamicFile(text, settings_.dynamic_file_strict);
      if (!parsed) return std::unexpected(parsed.error());
      return std::move(parsed->table);
    });
  });
  return result;
}

Status Sources::LoadAccessEntries(bool force, bool& changed) {
  auto set = [&](eks::AccessEntries entries) {
    entries_ = std::make_shared<const eks::AccessEntries>(std::move(entries));
    entries_table_ = std::make_shared<const identity::MappingTable>(identity::BuildAccessEntryTable(*entries_));
  };
  if (settings_.store) {
    // The count of writes moves with every committed write, from any process.
    auto revision = settings_.store->Revision();
    if (!revision) return Fail(ErrorCode::kUnavailable, "access-entry store: " + revision.error().message);
    if (!force && *revision == store_revision_) return {};
    auto loaded = settings_.store->Load();
    if (!loaded) return Fail(ErrorCode::kUnavailable, "access-entry store: " + loaded.error().message);
    changed = true;
    store_revision_ = loaded->revision;
    store_mode_ = loaded->mode;
    set(eks::AccessEntries(loaded->entries));
    return {};
  }
  if (settings_.access_entries_file.empty()) {
    entries_ = std::make_shared<const eks::AccessEntries>();
    entries_table_ = nullptr;
    return {};
  }
  Status result;
  const std::string& path = settings_.access_entries_file;
  WhenChanged(path, entries_stamp_, force, changed, result, [&]() -> Status {
    auto text = ReadSource(path, entries_table_ != nullptr);
    if (!text) return std::unexpected(text.error());
    auto loaded = *text ? eks::ParseAccessEntries(**text, path) : Result<eks::AccessEntries>(eks::AccessEntries());
    if (!loaded) return std::unexpected(loaded.error());
    set(std::move(*loaded));
    return {};
  });
  return result;
}

Status Sources::LoadRbac(bool force, bool& changed) {
  if (!settings_.rbac) {
    rbac_ = nullptr;
    return {};
  }
  // One stamp over every path.
  std::string stamp;
  for (const auto& p : settings_.rbac_paths) stamp += FileStamp(p) + "|";
  bool from_cluster = settings_.cluster && settings_.cluster_rbac;
  if (from_cluster) stamp += "cluster:" + std::to_string(settings_.cluster->Generation());
  if (!force && stamp == rbac_stamp_ && rbac_ && !objects_dirty_) return {};
  rbac_stamp_ = stamp;
  changed = true;
  rbac::Objects objects;
  for (const auto& path : settings_.rbac_paths) {
    auto loaded = rbac::LoadManifests(path);
    if (!loaded) return std::unexpected(loaded.error());
    objects.Append(std::move(*loaded));
  }
  // The objects the front keeps, or a live cluster's, the default policy among them, beside the files.
  bool bootstrap = settings_.bootstrap_policy;
  if (from_cluster) {
    auto live = settings_.cluster->Rbac();
    if (!live) return std::unexpected(live.error());
    objects.Append(std::move(*live));
    bootstrap = false;
  }
  if (settings_.objects.kv) {
    auto stored = LoadStoredRbac(settings_.objects);
    if (!stored) return std::unexpected(stored.error().Wrap("the store"));
    objects.Append(std::move(stored->objects));
    bootstrap = false;
  }
  for (const auto& p : objects.problems) {
    if (settings_.on_problem) settings_.on_problem("rbac", p);
  }
  auto all = rbac::WithBootstrap(std::move(objects), bootstrap);
  rbac_ = std::make_shared<const rbac::Authorizer>(all.roles, all.cluster_roles, all.role_bindings, all.cluster_role_bindings);
  return {};
}

void Sources::Publish() {
  auto snap = std::make_shared<Snapshot>();
  eks::AuthenticationMode mode =
      settings_.store_sets_mode ? store_mode_.value_or(settings_.authentication_mode) : settings_.authentication_mode;
  snap->chain = BuildChain(settings_.backend_modes, mode, {settings_.mounted_file, aws_auth_, dynamic_, entries_table_},
                           settings_.reserved_prefixes);
  snap->scrubbed_accounts = settings_.scrubbed_accounts;
  snap->authentication_mode = mode;
  snap->access_entries = entries_;
  snap->rbac = rbac_;
  snap->webhook_full_chain = settings_.webhook_full_chain;
  snapshot_.store(std::move(snap));
  ++generation_;
}

std::vector<std::string> Sources::WatchedPaths() const {
  std::vector<std::string> out = {settings_.aws_auth_file, settings_.dynamic_file, settings_.access_entries_file};
  out.insert(out.end(), settings_.rbac_paths.begin(), settings_.rbac_paths.end());
  std::erase(out, std::string());
  return out;
}

namespace {

// inotify watches on the folders holding the watched files (a file replaced by rename keeps no
// watch of its own) and on watched folders and their subfolders. Failures are fine: polling
// still finds every change.
void AddWatches(int fd, const std::vector<std::string>& paths) {
  constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB;
  namespace fs = std::filesystem;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      (void)inotify_add_watch(fd, p.c_str(), kMask);
      for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_directory(ec)) (void)inotify_add_watch(fd, it->path().c_str(), kMask);
      }
    } else {
      fs::path parent = fs::path(p).parent_path();
      (void)inotify_add_watch(fd, parent.empty() ? "." : parent.c_str(), kMask);
    }
  }
}

}  // namespace

void Sources::Watch(std::function<void(const Status&)> on_refresh) {
  if (watcher_.joinable()) return;
  stop_ = false;
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  // Watches are in place before Watch returns: a change made right after is not missed.
  int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (in >= 0) {
    std::lock_guard<std::mutex> l(mu_);
    AddWatches(in, WatchedPaths());
  }
  watcher_ = std::thread([this, in, on_refresh] {
    auto last_full = std::chrono::steady_clock::now();
    while (!stop_.load()) {
      pollfd fds[2] = {{in, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
      (void)poll(fds, 2, 250);
      if (stop_.load()) break;
      char buf[4096];
      bool fired = false;
      while (in >= 0 && read(in, buf, sizeof buf) > 0) fired = true;
      if (uint64_t woken; read(wake_fd_, &woken, sizeof woken) == sizeof woken) fired = true;  // Wake()
      auto now = std::chrono::steady_clock::now();
      if (!fired && now - last_full < std::chrono::milliseconds(250)) continue;
      if (now - last_full >= std::chrono::milliseconds(250) && in >= 0) {
        std::lock_guard<std::mutex> l(mu_);
        AddWatches(in, WatchedPaths());  // folders created since, or settings changed
      }
      if (!fired) last_full = now;
      auto s = Refresh();
      if (on_refresh) on_refresh(s);
    }
    if (in >= 0) close(in);
  });
  WatchStore(on_refresh);
  std::lock_guard<std::mutex> l(mu_);
  if (settings_.cluster) settings_.cluster->OnChange([this] { Wake(); });
}

void Sources::Wake() {
  uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!write(wake_fd_, &one, sizeof one);
}

// The store's own watch wakes a Refresh when any process or replica commits. A watch that
// fails is opened again, after a jittered pause, from the revision after the last change seen,
// so that nothing in between is missed; when that history was compacted meanwhile (kGone),
// every source is read again in full and the watch starts from now. The file thread's periodic
// Refresh covers the gap either way.
void Sources::WatchStore(const std::function<void(const Status&)>& on_refresh) {
  std::function<Result<std::unique_ptr<store::Watcher>>(int64_t)> open;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (settings_.objects.kv) {
      // The cluster's whole range: access entries and the Kubernetes objects.
      auto kv = settings_.objects.kv;
      std::string prefix = store::ClusterPrefix(settings_.objects.cluster);
      open = [kv, prefix](int64_t from) { return kv->Watch(prefix, store::PrefixEnd(prefix), from); };
    } else if (auto store = settings_.store) {
      open = [store](int64_t) { return store->Watch(); };
    }
  }
  if (!open) return;
  auto first = open(0);
  store_watcher_ = std::thread([this, open, on_refresh, first = std::move(first)]() mutable {
    Result<std::unique_ptr<store::Watcher>> w = std::move(first);
    int64_t resume = 0;  // the revision after the last change seen (0: from now)
    bool failed = false;
    auto ceiling = std::chrono::milliseconds(250);
    while (!stop_.load()) {
      if (!w && w.error().code == ErrorCode::kGone) {
        auto s = Load(true);
        if (on_refresh) on_refresh(s);
        resume = 0;
      } else if (!w) {
        // A jittered pause that doubles from 250 ms to 2 s while the store stays lost.
        failed = true;
        PauseUnlessStopped(ceiling, stop_);
        ceiling = std::min(ceiling * 2, std::chrono::milliseconds(2000));
      }
      if (!w) {
        w = open(resume);
        continue;
      }
      auto events = (*w)->Next(std::chrono::milliseconds(100));
      if (!events) {
        w = std::unexpected(events.error());
        continue;
      }
      if (failed) ++follow_reconnects_;
      failed = false;
      ceiling = std::chrono::milliseconds(250);
      if (events->empty()) continue;
      resume = events->back().kv.mod_revision + 1;
      auto s = Refresh();
      if (on_refresh) on_refresh(s);
      if (s) NoteApplied(events->back().kv.mod_revision);
    }
  });
}

void Sources::NoteApplied(int64_t revision) {
  follow_revision_ = std::max(follow_revision_.load(), revision);
  follow_applied_at_ = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void Sources::StopWatching() {
  if (!watcher_.joinable()) return;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (settings_.cluster) settings_.cluster->OnChange(nullptr);
  }
  stop_ = true;
  uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof one);
  watcher_.join();
  if (store_watcher_.joinable()) store_watcher_.join();
  close(wake_fd_);
  wake_fd_ = -1;
}

}  // namespace kubeiam::state
