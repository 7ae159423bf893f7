// The access-entry store: one write (a read-modify-write transaction with a full fsync) and one
// load, at 100 and 1,000 entries; and the EKS API's list at 1,000 entries.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "server/eks_api.h"
#include "store/sqlite_store.h"

namespace kubeiam::store {
namespace {

struct Fixture {
  std::string dir;
  std::shared_ptr<SqliteStore> store;
  explicit Fixture(int entries) {
    dir = std::filesystem::temp_directory_path() / ("kubeiam-store-bench-" + std::to_string(getpid()) + "-" + std::to_string(entries));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    eks::ClusterAccess seed;
    seed.cluster = {"demo", "111122223333", "us-east-1", "aws"};
    for (int i = 0; i < entries; ++i) {
      (void)eks::CreateEntry(seed, {"arn:aws:iam::111122223333:role/r" + std::to_string(i), "", "", {"devs"}, {}}, "u", Clock::now());
      (void)eks::Associate(seed, "arn:aws:iam::111122223333:role/r" + std::to_string(i),
                           "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", {"namespace", {"dev-*"}}, Clock::now());
    }
    store = std::move(*SqliteStore::Open(dir + "/s.db", seed));
  }
  ~Fixture() { std::filesystem::remove_all(dir); }
};

void BM_StoreWrite(benchmark::State& state) {
  Fixture f(int(state.range(0)));
  int i = 0;
  for (auto _ : state) {
    std::string arn = "arn:aws:iam::111122223333:user/u" + std::to_string(i++);
    auto r = f.store->Update([&](eks::ClusterAccess& c) { return eks::CreateEntry(c, {arn, "", "", {}, {}}, "u", Clock::now()); });
    benchmark::DoNotOptimize(r);
  }
  state.SetLabel("create-access-entry, one transaction, fsync");
}
BENCHMARK(BM_StoreWrite)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_StoreLoad(benchmark::State& state) {
  Fixture f(int(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(f.store->Load());
}
BENCHMARK(BM_StoreLoad)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_ApiListEntries(benchmark::State& state) {
  Fixture f(int(state.range(0)));
  server::EksApi api(f.store, nullptr);
  for (auto _ : state) benchmark::DoNotOptimize(api.Handle({"GET", "/clusters/demo/access-entries", {}, "", ""}));
}
BENCHMARK(BM_ApiListEntries)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kubeiam::store
