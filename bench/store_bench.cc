// The store: one access-entry write (a transaction guarded by a compare, full fsync) at 100 and
// 10,000 entries, with p50/p99 as counters; one KV put; a load; and the EKS API's list at 1,000
// entries. Before this store, a write rewrote the whole state (1.8 ms at 100 entries, 4.5 ms at
// 1,000).
#include <benchmark/benchmark.h>

#include "percentiles.h"
#include "server/eks_api.h"
#include "store/etcd_kv.h"
#include "store_fixture.h"

namespace kubeiam::store {
namespace {

// KUBEIAM_BENCH_ETCD=URL[,URL...] (bench/run-replicas-bench sets it): the etcd variants below
// run on that cluster, each under a prefix of its own.
std::shared_ptr<KvStore> BenchEtcd() {
  const char* endpoints = std::getenv("KUBEIAM_BENCH_ETCD");
  if (!endpoints) return nullptr;
  static int n = 0;
  std::vector<std::string> list;
  for (std::string rest = endpoints; !rest.empty();) {
    size_t comma = rest.find(',');
    list.push_back(rest.substr(0, comma));
    rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
  }
  auto kv = EtcdKv::Open({list, "/bench-" + std::to_string(getpid()) + "-" + std::to_string(n++) + "/"});
  return kv ? *kv : nullptr;
}

void BM_StoreWrite(benchmark::State& state) {
  Fixture f(int(state.range(0)), state.range(1) ? BenchEtcd() : nullptr);
  int i = 0;
  Percentiles p;
  for (auto _ : state) {
    std::string arn = "arn:aws:iam::111122223333:user/u" + std::to_string(i++);
    auto start = std::chrono::steady_clock::now();
    auto r = f.store->Update([&](eks::ClusterAccess& c) { return eks::CreateEntry(c, {arn, "", "", {}, {}}, "u", Clock::now()); });
    p.Add(std::chrono::steady_clock::now() - start);
    benchmark::DoNotOptimize(r);
  }
  p.Report(state);
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(state.range(1) ? "create-access-entry on etcd" : "create-access-entry, one transaction, fsync");
}
BENCHMARK(BM_StoreWrite)->Args({100, 0})->Args({10000, 0})->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_KvPut(benchmark::State& state) {
  Fixture f(0, state.range(0) ? BenchEtcd() : nullptr);
  int i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(f.kv->Txn({{}, {Put("k/" + std::to_string(i++ % 1000), "value")}, {}}));
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(state.range(0) ? "one put on etcd" : "one put, fsync");
}
BENCHMARK(BM_KvPut)->Arg(0)->UseRealTime()->Unit(benchmark::kMillisecond);

// The same writes on etcd, side by side with SQLite's in one run, when an etcd is given.
const bool kEtcdRegistered = [] {
  if (!std::getenv("KUBEIAM_BENCH_ETCD")) return false;
  // Real time: a write's wait on the network and the members' fsync is what bounds a writer.
  benchmark::RegisterBenchmark("BM_KvPut/etcd", BM_KvPut)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_StoreWrite/etcd", BM_StoreWrite)->Args({100, 1})->UseRealTime()->Unit(benchmark::kMillisecond);
  return true;
}();

void BM_StoreLoad(benchmark::State& state) {
  Fixture f(int(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(f.store->Load());
  state.SetLabel("unchanged: the guard key is read, the state shared");
}
BENCHMARK(BM_StoreLoad)->Arg(100)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_StoreReadAll(benchmark::State& state) {
  Fixture f(int(state.range(0)));
  for (auto _ : state) {
    auto fresh = KvAccessStore::Open(f.kv, eks::ClusterAccess{});
    benchmark::DoNotOptimize((*fresh)->Load());
  }
  state.SetLabel("a new handle: every key read and decoded");
}
BENCHMARK(BM_StoreReadAll)->Arg(100)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_ApiListEntries(benchmark::State& state) {
  Fixture f(int(state.range(0)));
  server::EksApi api(f.store, nullptr);
  for (auto _ : state) benchmark::DoNotOptimize(api.Handle({"GET", "/clusters/demo/access-entries", {}, "", ""}));
}
BENCHMARK(BM_ApiListEntries)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kubeiam::store
