// Writes N distinct, freshly signed tokens for an allowed STS host, one per line: the load for
// the wrk benchmark of /authenticate (every request a new token, so no cache can answer).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "token/generate.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s COUNT CLUSTER_ID\n", argv[0]);
    return 2;
  }
  long n = std::atol(argv[1]);
  kubeiam::TimePoint now = kubeiam::Clock::now();
  for (long i = 0; i < n; ++i) {
    kubeiam::aws::Credentials c{"ASIABENCH" + std::to_string(1000000000 + i), "bench-secret", "", std::nullopt, "bench"};
    auto t = kubeiam::token::Generate(argv[2], c, "https://sts.us-east-1.amazonaws.com", "us-east-1", now);
    if (!t) return 1;
    std::fputs(t->value.c_str(), stdout);
    std::fputc('\n', stdout);
  }
  return 0;
}
