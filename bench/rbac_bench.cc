// RBAC at scale: generated clusters of 1k, 10k and 100k bindings over many namespaces, users in
// several groups. Decision p50/p99 (per-call timings as counters), the chain with access
// policies, who-can at 100k, and loading 100k objects from JSON.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "authz/chain.h"
#include "rbac/authorizer.h"
#include "rbac/bootstrap.h"
#include "rbac/loader.h"
#include "rbac_cluster.h"

namespace kubeiam::rbac {
namespace {

const Authorizer& Cluster(int n) {
  static std::map<int, std::unique_ptr<Authorizer>> cache;
  auto& p = cache[n];
  if (!p) {
    auto o = ParseManifests(ClusterJson(n), "generated.json");
    Objects all = WithBootstrap(std::move(*o));
    p = std::make_unique<Authorizer>(all.roles, all.cluster_roles, all.role_bindings, all.cluster_role_bindings);
  }
  return *p;
}

std::vector<Attributes> Requests(int n, size_t count) {
  std::mt19937 rng(42);
  int namespaces = std::max(1, n / 20);
  const char* verbs[] = {"get", "list", "delete", "create"};
  std::vector<Attributes> out;
  for (size_t i = 0; i < count; ++i) {
    Attributes a;
    a.user = {"user-" + std::to_string(rng() % 5000),
              {"team-" + std::to_string(rng() % 50), "team-" + std::to_string(rng() % 50), "system:authenticated"}};
    a.verb = verbs[rng() % 4];
    a.namespace_ = "ns-" + std::to_string(rng() % namespaces);
    a.resource = rng() % 2 ? "pods" : "secrets";
    out.push_back(std::move(a));
  }
  return out;
}

void BM_Authorize(benchmark::State& state) {
  int n = int(state.range(0));
  const Authorizer& p = Cluster(n);
  auto requests = Requests(n, 4096);
  std::vector<double> ns_per_call;
  size_t i = 0, allowed = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    Decision d = p.Authorize(requests[i++ % requests.size()]);
    auto t1 = std::chrono::steady_clock::now();
    allowed += d.allowed;
    benchmark::DoNotOptimize(d);
    if (ns_per_call.size() < 200000) ns_per_call.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
  }
  std::sort(ns_per_call.begin(), ns_per_call.end());
  state.counters["p50_ns"] = ns_per_call[ns_per_call.size() / 2];
  state.counters["p99_ns"] = ns_per_call[ns_per_call.size() * 99 / 100];
  state.counters["allowed_pct"] = 100.0 * double(allowed) / double(state.iterations());
}
BENCHMARK(BM_Authorize)->Arg(1000)->Arg(10000)->Arg(100000);

// The whole chain (system:masters, RBAC, then an access entry's policies) at 100k bindings: what
// `can-i --arn` and /authorize with webhook: full pay when RBAC has no opinion.
void BM_ChainWithAccessPolicies(benchmark::State& state) {
  const Authorizer& p = Cluster(int(state.range(0)));
  auto requests = Requests(int(state.range(0)), 4096);
  std::vector<eks::AssociatedPolicy> policies = {{"AmazonEKSViewPolicy", {"namespace", {"ns-1*"}}},
                                                 {"AmazonEKSEditPolicy", {"namespace", {"ns-2", "ns-3"}}}};
  size_t i = 0, allowed = 0;
  for (auto _ : state) {
    authz::Decision d = authz::Authorize(p, requests[i++ % requests.size()], &policies);
    allowed += d.allowed;
    benchmark::DoNotOptimize(d);
  }
  state.counters["allowed_pct"] = 100.0 * double(allowed) / double(state.iterations());
}
BENCHMARK(BM_ChainWithAccessPolicies)->Arg(100000);

void BM_WhoCan(benchmark::State& state) {
  const Authorizer& p = Cluster(int(state.range(0)));
  Attributes a;
  a.verb = "delete";
  a.namespace_ = "ns-7";
  a.resource = "pods";
  for (auto _ : state) benchmark::DoNotOptimize(p.AllowedSubjects(a, ""));
  state.SetLabel("who can delete pods in ns-7");
}
BENCHMARK(BM_WhoCan)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_Load(benchmark::State& state) {
  std::string json = ClusterJson(int(state.range(0)));
  for (auto _ : state) {
    auto o = ParseManifests(json, "generated.json");
    Objects all = WithBootstrap(std::move(*o));
    Authorizer p(all.roles, all.cluster_roles, all.role_bindings, all.cluster_role_bindings);
    benchmark::DoNotOptimize(p);
  }
  state.counters["MB"] = double(json.size()) / 1e6;
}
BENCHMARK(BM_Load)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace kubeiam::rbac
