// Time formats from peers and tokens.
#include <cstddef>
#include <cstdint>
#include <string>

#include "util/time.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  if (auto t = kubeiam::ParseRfc3339(input)) (void)kubeiam::FormatRfc3339(*t);
  if (auto t = kubeiam::ParseAmzDate(input)) (void)kubeiam::FormatAmzDate(*t);
  return 0;
}
