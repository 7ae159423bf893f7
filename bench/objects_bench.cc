// The Kubernetes front's stored objects, in-process (no HTTP): a list of 1,000 ClusterRoles from
// the store beside the same list from the read-only objects folder; create, update and patch of a
// ConfigMap (p50/p99, fsync included); and one write seen by 100 watchers (time until the last
// has it, p50/p99).
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <filesystem>
#include <thread>

#include "kubeapi/default_objects.h"
#include "kubeapi/object_api.h"
#include "kubeapi/object_serving.h"
#include "kubeapi/object_versions.h"
#include "percentiles.h"
#include "store/sqlite_kv.h"
#include "util/file.h"

namespace kubeiam::kubeapi {
namespace {

// A folder of its own under the temporary directory, removed afterwards.
struct ScratchDir {
  std::string path = std::filesystem::temp_directory_path() / ("kubeiam-objects-bench-" + std::to_string(getpid()) + "-" +
                                                               std::to_string(counter++));
  static inline int counter = 0;
  ScratchDir() { std::filesystem::create_directories(path); }
  ~ScratchDir() { std::filesystem::remove_all(path); }
  void Write(const std::string& name, const std::string& text) const {
    std::filesystem::create_directories(std::filesystem::path(path + "/" + name).parent_path());
    (void)WriteFileAtomic(path + "/" + name, text, 0644);
  }
};

constexpr char kRoles[] = "/apis/rbac.authorization.k8s.io/v1/clusterroles";

std::string Role(int i) {
  return R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"bench-)" + std::to_string(i) +
         R"("},"rules":[{"apiGroups":[""],"resources":["configmaps"],"verbs":["get","list"]}]})";
}

struct Front {
  ScratchDir dir;
  std::shared_ptr<ObjectRegistry> registry;
  std::unique_ptr<ObjectApi> api;

  Front() {
    registry = std::make_shared<ObjectRegistry>(*store::SqliteKv::Open(dir.path + "/store.db"), "demo");
    (void)EnsureDefaultObjects(*registry, {}, Clock::now());
    api = std::make_unique<ObjectApi>(registry);
  }
  http::HttpResponse Call(const std::string& method, const std::string& target, const std::string& body = "",
                          http::Headers headers = {}) {
    auto info = ParseRequestInfo(method, target);
    return *api->Serve({method, target, std::move(headers), body, ""}, *info);
  }
};

void BM_ListStoredRoles(benchmark::State& state) {
  Front f;
  for (int i = 0; i < state.range(0); ++i) f.Call("POST", kRoles, Role(i));
  Percentiles p;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(f.Call("GET", kRoles));
    p.Add(std::chrono::steady_clock::now() - start);
  }
  p.Report(state);
  state.SetLabel("GET clusterroles from the store (plus the ~50 defaults)");
}
BENCHMARK(BM_ListStoredRoles)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_ListFolderRoles(benchmark::State& state) {
  ScratchDir dir;
  std::string text;
  for (int i = 0; i < state.range(0); ++i) text += Role(i) + "\n---\n";
  dir.Write("objects/roles.yaml", text);
  ObjectVersions folder(dir.path + "/objects");
  auto info = ParseRequestInfo("GET", kRoles);
  Percentiles p;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(ServeObjects(folder, {"GET", kRoles, {}, "", ""}, *info));
    p.Add(std::chrono::steady_clock::now() - start);
  }
  p.Report(state);
  state.SetLabel("GET clusterroles from the read-only objects folder (before)");
}
BENCHMARK(BM_ListFolderRoles)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_WriteConfigMap(benchmark::State& state) {
  Front f;
  const std::string cm = "/api/v1/namespaces/default/configmaps";
  int i = 0;
  Percentiles p;
  for (auto _ : state) {
    std::string name = "cm-" + std::to_string(i++);
    auto start = std::chrono::steady_clock::now();
    if (state.range(0) == 0) {
      f.Call("POST", cm, R"({"metadata":{"name":")" + name + R"("},"data":{"a":"1"}})");
    } else if (state.range(0) == 1) {
      f.Call("PUT", cm + "/app", R"({"metadata":{"name":"app"},"data":{"a":")" + name + "\"}}");
    } else {
      f.Call("PATCH", cm + "/app", R"({"data":{"a":")" + name + "\"}}", {{"Content-Type", "application/strategic-merge-patch+json"}});
    }
    p.Add(std::chrono::steady_clock::now() - start);
    if (i == 1) f.Call("POST", cm, R"({"metadata":{"name":"app"}})");
  }
  p.Report(state);
  state.SetLabel(state.range(0) == 0 ? "create" : state.range(0) == 1 ? "update (PUT)" : "strategic merge patch");
}
BENCHMARK(BM_WriteConfigMap)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

void BM_WriteSeenByWatchers(benchmark::State& state) {
  Front f;
  const std::string cm = "/api/v1/namespaces/default/configmaps";
  f.Call("POST", cm, R"({"metadata":{"name":"app"}})");
  std::vector<http::HttpResponse> watches;
  for (int i = 0; i < state.range(0); ++i) watches.push_back(f.Call("GET", cm + "?watch=true&resourceVersion=1"));
  std::string sink;
  for (auto& w : watches) w.stream->Poll(sink);  // drain what came before
  int n = 0;
  Percentiles p;
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    f.Call("PUT", cm + "/app", R"({"metadata":{"name":"app"},"data":{"n":")" + std::to_string(n++) + "\"}}");
    // Each watcher polls (as the server does every Interval()) until it has the event.
    for (auto& w : watches) {
      std::string out;
      while (out.empty()) w.stream->Poll(out);
    }
    auto took = std::chrono::steady_clock::now() - start;
    p.Add(took);
    state.SetIterationTime(std::chrono::duration<double>(took).count());
  }
  p.Report(state);
  state.SetLabel("one update until every watcher has its event");
}
BENCHMARK(BM_WriteSeenByWatchers)->Arg(100)->UseManualTime()->Iterations(100)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kubeiam::kubeapi
