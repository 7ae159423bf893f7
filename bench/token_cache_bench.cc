// The verified-token cache under fresh-token load: 100,000 tokens of a few principals (each
// token its own access key, as the /authenticate benchmark sends them), then 100,000 of
// distinct principals. Reports heap bytes per entry (mallinfo2) beside the time per insert.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include "server/verified_token_cache.h"

namespace kubeiam::server {
namespace {

identity::Identity Principal(int principal, int token) {
  identity::Identity id;
  id.arn = "arn:aws:sts::111122223333:assumed-role/Developer" + std::to_string(principal) + "/session";
  id.canonical_arn = "arn:aws:iam::111122223333:role/Developer" + std::to_string(principal);
  id.account_id = "111122223333";
  id.user_id = "AROAEXAMPLE" + std::to_string(1000000000 + principal);
  id.session_name = "session";
  id.access_key_id = "ASIABENCH" + std::to_string(1000000000 + token);
  id.sts_endpoint = "sts.us-east-1.amazonaws.com";
  id.type = aws::PrincipalType::kAssumedRole;
  return id;
}

void Fill(benchmark::State& state, int principals) {
  const int n = 100000;
  TimePoint now = Clock::now();
  for (auto _ : state) {
    state.PauseTiming();
    size_t before = mallinfo2().uordblks;
    auto cache = std::make_unique<VerifiedTokenCache>(n, size_t(1) << 30);
    state.ResumeTiming();
    for (int i = 0; i < n; ++i) {
      cache->Insert(Sha256("token-" + std::to_string(i)), Principal(i % principals, i), now + std::chrono::minutes(2), now);
    }
    state.PauseTiming();
    state.counters["heap_bytes_per_entry"] = double(mallinfo2().uordblks - before) / n;
    state.counters["estimated_bytes_per_entry"] = double(cache->bytes()) / n;
    cache.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * n);
}

void BM_TokenCache_FreshTokensFewPrincipals(benchmark::State& state) { Fill(state, 10); }
void BM_TokenCache_FreshTokensDistinctPrincipals(benchmark::State& state) { Fill(state, 100000); }
BENCHMARK(BM_TokenCache_FreshTokensFewPrincipals)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_TokenCache_FreshTokensDistinctPrincipals)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace kubeiam::server
