// The store: one access-entry write (a transaction guarded by a compare, full fsync) at 100 and
// 10,000 entries, with p50/p99 as counters; one KV put; a load; and the EKS API's list at 1,000
// entries. Before this store, a write rewrote the whole state (1.8 ms at 100 entries, 4.5 ms at
// 1,000).
#include <benchmark/benchmark.h>

#include "percentiles.h"
#include "server/eks_api.h"
#include "store_fixture.h"

namespace kubeiam::store {
namespace {

void BM_StoreWrite(benchmark::State& state) {
  Fixture f(int(state.range(0)));
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
  state.SetLabel("create-access-entry, one transaction, fsync");
}
BENCHMARK(BM_StoreWrite)->Arg(100)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_KvPut(benchmark::State& state) {
  Fixture f(0);
  int i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(f.kv->Txn({{}, {Put("k/" + std::to_string(i++ % 1000), "value")}, {}}));
  state.SetLabel("one put, fsync");
}
BENCHMARK(BM_KvPut)->Unit(benchmark::kMillisecond);

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
