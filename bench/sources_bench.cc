// The Sources layer: how long a store write in another process takes to reach the published
// snapshot (p50/p99), and building a snapshot from scratch at 10,000 access entries and at 100k
// RBAC bindings.
#include <benchmark/benchmark.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "percentiles.h"
#include "rbac_cluster.h"
#include "state/sources.h"
#include "store_fixture.h"

namespace kubeiam::state {
namespace {

int64_t MonotonicNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// A child process that, for each byte it reads, changes r0's groups to "g<n>" and answers with
// the time the write committed (steady_clock is the machine's monotonic clock, shared by both).
pid_t StartWriter(const std::string& db, int to_child[2], int from_child[2]) {
  pid_t child = fork();
  if (child != 0) {
    close(to_child[0]);
    close(from_child[1]);
    return child;
  }
  close(to_child[1]);
  close(from_child[0]);
  int commands = to_child[0], answers = from_child[1];
  auto kv = store::SqliteKv::Open(db);
  auto s = store::KvAccessStore::Open(*kv, eks::ClusterAccess{});
  char c;
  for (int n = 0; read(commands, &c, 1) == 1; ++n) {
    (void)(*s)->Update([&](eks::ClusterAccess& a) {
      return eks::UpdateEntry(a, "arn:aws:iam::111122223333:role/r0", std::vector<std::string>{"g" + std::to_string(n)},
                              std::nullopt, Clock::now());
    });
    int64_t at = MonotonicNs();
    if (write(answers, &at, sizeof at) != sizeof at) break;
  }
  _exit(0);
}

void BM_StoreWriteToSnapshot(benchmark::State& state) {
  store::Fixture f(int(state.range(0)));
  int to_child[2], from_child[2];
  if (pipe(to_child) != 0 || pipe(from_child) != 0) return state.SkipWithError("pipe");
  // Forked before any thread of ours starts (a child must not inherit a held lock).
  pid_t child = StartWriter(f.dir + "/s.db", to_child, from_child);
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
