// ~/.aws/config and credentials parsing.
#include <cstddef>
#include <cstdint>
#include <string>

#include "aws/shared_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  auto c = kubeiam::aws::SharedConfig::Parse(input, input);
  if (c) (void)c->Profile("default");
  return 0;
}
