// Server config files and principals.yaml.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config.h"
#include "sts/principal_store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  (void)kubeiam::config::ParseConfig(input, "/tmp/config.yaml");
  (void)kubeiam::sts::PrincipalStore::Parse(input, "principals.yaml");
  return 0;
}
