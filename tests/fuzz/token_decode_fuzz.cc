// Token decoding and the request a verifier rebuilds from it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "aws/sigv4.h"
#include "token/decode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  auto url = kubeiam::token::Decode("k8s-aws-v1." + input);
  if (url) {
    auto req = kubeiam::token::ToSignableRequest(*url, "cluster");
    if (req) {
      auto auth = kubeiam::aws::ParseAuthentication(*req);
      if (auth) (void)kubeiam::aws::VerifySignature(*req, *auth, "secret");
    }
  }
  (void)kubeiam::token::Decode(input);
  return 0;
}
