// Google Benchmark: token presigning and presigned-URL verification (the hot paths of
// `kubeiam token` and of the local STS / verifier).
#include <benchmark/benchmark.h>

#include "aws/sigv4.h"
#include "token/decode.h"
#include "token/generate.h"

namespace kubeiam {
namespace {

aws::Credentials Creds() {
  return {"ASIAR2TG44V6AS3ZZE7C", "4KD5cntGcVmLWRdF5wvNRuzNL5Qxmp6OKVY6Fz/Q", "", std::nullopt, "bench"};
}

TimePoint Now() { return TimePoint(std::chrono::seconds(1682640000)); }

void BM_GenerateToken(benchmark::State& state) {
  auto c = Creds();
  for (auto _ : state) {
    auto t = token::Generate("test-cluster", c, "https://sts.us-west-2.amazonaws.com", "us-west-2", Now());
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_GenerateToken);

void BM_VerifyPresignedToken(benchmark::State& state) {
  auto c = Creds();
  auto t = token::Generate("test-cluster", c, "https://sts.us-west-2.amazonaws.com", "us-west-2", Now());
  for (auto _ : state) {
    auto url = token::Decode(t->value);
    auto req = token::ToSignableRequest(*url, "test-cluster");
    auto auth = aws::ParseAuthentication(*req);
    auto ok = aws::VerifySignature(*req, *auth, c.secret_access_key);
    if (!ok) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_VerifyPresignedToken);

void BM_SigningKeyUncached(benchmark::State& state) {
  int i = 0;
  for (auto _ : state) {
    // A new secret each time defeats the per-scope cache: the cost a cache miss pays.
    auto k = aws::SigningKey("secret" + std::to_string(i++), "20230428", "us-west-2", "sts");
    benchmark::DoNotOptimize(k);
  }
}
BENCHMARK(BM_SigningKeyUncached);

}  // namespace
}  // namespace kubeiam
