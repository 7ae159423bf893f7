// Base64 decoders round-trip what they accept.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "util/encoding.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  if (auto d = kubeiam::Base64UrlDecodeNoPad(input)) {
    if (kubeiam::Base64UrlEncodeNoPad(*d) != input) std::abort();
  }
  if (auto d = kubeiam::Base64Decode(input)) (void)kubeiam::Base64Encode(*d);
  auto enc = kubeiam::Base64UrlEncodeNoPad(input);
  if (kubeiam::Base64UrlDecodeNoPad(enc).value_or("") != input) std::abort();
  return 0;
}
