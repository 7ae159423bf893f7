// SigV4 authentication parsing from hostile headers and query strings.
#include <cstddef>
#include <cstdint>
#include <string>

#include "aws/sigv4.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  size_t split = input.find('\n');
  kubeiam::aws::SignableRequest r;
  r.method = "POST";
  r.headers = {{"Host", "sts.amazonaws.com"}, {"X-Amz-Date", "20230428T000000Z"},
               {"Authorization", input.substr(0, split)}};
  auto auth = kubeiam::aws::ParseAuthentication(r);
  if (auth) (void)kubeiam::aws::VerifySignature(r, *auth, "secret");
  if (split != std::string::npos) {
    auto q = kubeiam::aws::ParseQuery(input.substr(split + 1));
    if (q) {
      kubeiam::aws::SignableRequest p;
      p.query = *q;
      p.headers = {{"host", "sts.amazonaws.com"}};
      auto pa = kubeiam::aws::ParseAuthentication(p);
      if (pa) (void)kubeiam::aws::VerifySignature(p, *pa, "secret");
      (void)kubeiam::aws::CanonicalQuery(*q);
    }
  }
  (void)kubeiam::aws::CanonicalUri(input, true);
  return 0;
}
