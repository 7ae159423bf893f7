// The Sources layer: how long a store write in another process takes to reach the published
// snapshot (p50/p99) — an access entry through the store, and a ClusterRoleBinding or aws-auth
// written through another replica's Kubernetes front until it authorizes or maps here — and
// building a snapshot from scratch at 10,000 access entries and at 100k RBAC bindings.
#include <benchmark/benchmark.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <thread>

#include "kubeapi/default_objects.h"
#include "kubeapi/object_api.h"
#include "percentiles.h"
#include "rbac_cluster.h"
#include "state/sources.h"
#include "store_fixture.h"

namespace kubeiam::state {
namespace {

int64_t MonotonicNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

using Writer = std::function<void(int n)>;

// A child process that opens its store (`open`, in the child) and then, for each byte it reads,
// runs write n and answers with the time it returned (steady_clock is the machine's monotonic
// clock, shared by both). Forked before any thread of ours starts: a child must not inherit a
// held lock.
pid_t StartWriter(int to_child[2], int from_child[2], const std::function<Writer()>& open) {
  pid_t child = fork();
  if (child != 0) {
    close(to_child[0]);
    close(from_child[1]);
    return child;
  }
  close(to_child[1]);
  close(from_child[0]);
  Writer write_one = open();
  char c;
  for (int n = 0; read(to_child[0], &c, 1) == 1; ++n) {
    write_one(n);
    int64_t at = MonotonicNs();
    if (write(from_child[1], &at, sizeof at) != sizeof at) break;
  }
  _exit(0);
}

// Another process's store write: r0's groups become "g<n>".
pid_t StartStoreWriter(const std::string& db, int to_child[2], int from_child[2]) {
  return StartWriter(to_child, from_child, [db]() -> Writer {
    std::shared_ptr<store::AccessStore> s = std::move(*store::KvAccessStore::Open(*store::SqliteKv::Open(db), eks::ClusterAccess{}));
    return [s](int n) {
      (void)s->Update([&](eks::ClusterAccess& a) {
        return eks::UpdateEntry(a, "arn:aws:iam::111122223333:role/r0", std::vector<std::string>{"g" + std::to_string(n)},
                                std::nullopt, Clock::now());
      });
    };
  });
}

void BM_StoreWriteToSnapshot(benchmark::State& state) {
  store::Fixture f(int(state.range(0)));
  int to_child[2], from_child[2];
  if (pipe(to_child) != 0 || pipe(from_child) != 0) return state.SkipWithError("pipe");
  // Forked before any thread of ours starts (a child must not inherit a held lock).
  pid_t child = StartStoreWriter(f.dir + "/s.db", to_child, from_child);
  SourceSettings settings;
  settings.store = f.store;
  auto sources = Sources::Open(settings);
  if (!sources) return state.SkipWithError(sources.error().message.c_str());
  (*sources)->Watch(nullptr);
  Percentiles p;
  int n = 0;
  for (auto _ : state) {
    std::string want = "g" + std::to_string(n++);
    int64_t committed = 0;
    if (write(to_child[1], "x", 1) != 1 || read(from_child[0], &committed, sizeof committed) != sizeof committed) {
      return state.SkipWithError("the writer stopped");
    }
    for (;;) {
      auto snap = (*sources)->snapshot();  // held: the entry lives as long as its snapshot
      const auto* e = snap->access_entries->Find("arn:aws:iam::111122223333:role/r0");
      if (e && e->kubernetes_groups == std::vector<std::string>{want}) break;
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    auto seen = std::chrono::nanoseconds(MonotonicNs() - committed);
    state.SetIterationTime(std::chrono::duration<double>(seen).count());
    p.Add(seen);
  }
  close(to_child[1]);
  close(from_child[0]);
  waitpid(child, nullptr, 0);
  (*sources)->StopWatching();
  p.Report(state);
  state.SetLabel("write committed in another process -> published snapshot");
}
BENCHMARK(BM_StoreWriteToSnapshot)->Arg(100)->Arg(10000)->UseManualTime()->Iterations(200)->Unit(benchmark::kMillisecond);

// Another replica's front: for each byte read, writes through the object API either the binding
// "bench" to group g<n> (`rbac`) or aws-auth mapping user/bench to username u<n>, and answers
// with the time the write returned.
pid_t StartFrontWriter(const std::string& db, bool rbac, int to_child[2], int from_child[2]) {
  return StartWriter(to_child, from_child, [db, rbac]() -> Writer {
    auto api = std::make_shared<kubeapi::ObjectApi>(std::make_shared<kubeapi::ObjectRegistry>(*store::SqliteKv::Open(db), "demo"));
    return [api, rbac](int n) {
      std::string g = std::to_string(n);
      std::string target = rbac ? "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/bench"
                                : "/api/v1/namespaces/kube-system/configmaps/aws-auth";
      std::string body = rbac ? R"({"metadata":{"name":"bench"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole",)"
                                R"("name":"view"},"subjects":[{"kind":"Group","name":"g)" + g + R"("}]})"
                              : R"({"metadata":{"name":"aws-auth","namespace":"kube-system"},"data":{"mapUsers":)"
                                R"("- userarn: arn:aws:iam::111122223333:user/bench\n  username: u)" + g +
                                    R"(\n  groups: [g]\n"}})";
      auto info = kubeapi::ParseRequestInfo("PUT", target);
      (void)api->Serve({"PUT", target, {}, body, ""}, *info);
    };
  });
}

// Whether this replica's snapshot shows write n: the binding authorizes group g<n>, or aws-auth
// maps the user to u<n>.
bool Shows(const Snapshot& snap, bool rbac, int n) {
  if (rbac) {
    rbac::Attributes a{.user = {.name = "someone", .groups = {"g" + std::to_string(n)}}, .verb = "list",
                       .namespace_ = "default", .resource = "pods"};
    return snap.rbac && snap.rbac->Authorize(a).allowed;
  }
  identity::Identity id{.arn = "arn:aws:iam::111122223333:user/bench", .canonical_arn = "arn:aws:iam::111122223333:user/bench",
                        .account_id = "111122223333"};
  for (const auto& b : snap.chain) {
    auto found = b.table ? b.table->Find(id) : Result<std::optional<identity::MappedEntry>>();
    if (found && *found && (*found)->username == "u" + std::to_string(n)) return true;
  }
  return false;
}

void BM_FrontWriteToSnapshot(benchmark::State& state) {
  bool rbac = state.range(0) == 0;
  std::string dir = std::filesystem::temp_directory_path() / ("kubeiam-front-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  {
    auto registry = std::make_shared<kubeapi::ObjectRegistry>(*store::SqliteKv::Open(dir + "/s.db"), "demo");
    boost::json::object aws_auth{{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                                 {"metadata", boost::json::object{{"name", "aws-auth"}, {"namespace", "kube-system"}}}};
    (void)kubeapi::EnsureDefaultObjects(*registry, {aws_auth}, Clock::now());
  }
  int to_child[2], from_child[2];
  if (pipe(to_child) != 0 || pipe(from_child) != 0) return state.SkipWithError("pipe");
  pid_t child = StartFrontWriter(dir + "/s.db", rbac, to_child, from_child);  // before any thread starts
  SourceSettings settings;
  settings.backend_modes = {"EKSConfigMap"};
  settings.objects = {*store::SqliteKv::Open(dir + "/s.db"), "demo"};
  settings.rbac = true;
  auto sources = Sources::Open(settings);
  if (!sources) return state.SkipWithError(sources.error().message.c_str());
  (*sources)->Watch(nullptr);
  Percentiles p;
  int n = 0;
  for (auto _ : state) {
    int64_t committed = 0;
    if (write(to_child[1], "x", 1) != 1 || read(from_child[0], &committed, sizeof committed) != sizeof committed) {
      return state.SkipWithError("the writer stopped");
    }
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!Shows(*(*sources)->snapshot(), rbac, n)) {
      if (std::chrono::steady_clock::now() > give_up) {
        close(to_child[1]);
        waitpid(child, nullptr, 0);
        return state.SkipWithError("the write never reached the snapshot");
      }
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    ++n;
    auto seen = std::chrono::nanoseconds(MonotonicNs() - committed);
    state.SetIterationTime(std::chrono::duration<double>(seen).count());
    p.Add(seen);
  }
  close(to_child[1]);
  close(from_child[0]);
  waitpid(child, nullptr, 0);
  (*sources)->StopWatching();
  std::filesystem::remove_all(dir);
  p.Report(state);
  state.SetLabel(rbac ? "ClusterRoleBinding written by another front -> authorizes here"
                      : "aws-auth written by another front -> maps here");
}
BENCHMARK(BM_FrontWriteToSnapshot)->Arg(0)->Arg(1)->UseManualTime()->Iterations(200)->Unit(benchmark::kMillisecond);

void BM_SnapshotFromStore(benchmark::State& state) {
  store::Fixture f(int(state.range(0)));
  for (auto _ : state) {
    SourceSettings settings;
    settings.backend_modes = {"AccessEntry"};
    settings.authentication_mode = eks::AuthenticationMode::kApi;
    settings.store = std::move(*store::KvAccessStore::Open(f.kv, eks::ClusterAccess{}));  // nothing cached
    benchmark::DoNotOptimize(Sources::Open(std::move(settings)));
  }
  state.SetLabel("every entry read, decoded, indexed and mapped");
}
BENCHMARK(BM_SnapshotFromStore)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_SnapshotFromRbac(benchmark::State& state) {
  std::string path = std::filesystem::temp_directory_path() / ("kubeiam-rbac-bench-" + std::to_string(getpid()) + ".json");
  std::ofstream(path) << rbac::ClusterJson(int(state.range(0)));
  for (auto _ : state) {
    SourceSettings settings;
    settings.rbac = true;
    settings.rbac_paths = {path};
    benchmark::DoNotOptimize(Sources::Open(std::move(settings)));
  }
  std::filesystem::remove(path);
  state.SetLabel("JSON manifests parsed, bootstrap policy added, RBAC index built");
}
BENCHMARK(BM_SnapshotFromRbac)->Arg(100000)->Iterations(3)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kubeiam::state
