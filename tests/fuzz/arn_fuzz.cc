// ARN parsing, canonicalisation and ArnLike patterns.
#include <cstddef>
#include <cstdint>
#include <string>

#include "aws/arn.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  size_t split = input.find('\n');
  std::string a = input.substr(0, split), b = split == std::string::npos ? input : input.substr(split + 1);
  (void)kubeiam::aws::Canonicalize(a);
  (void)kubeiam::aws::StripPath(a);
  (void)kubeiam::aws::ArnLike(a, b);
  return 0;
}
