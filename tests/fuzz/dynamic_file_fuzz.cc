// DynamicFile documents, both keyings.
#include <cstddef>
#include <cstdint>
#include <string>

#include "identity/dynamic_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  kubeiam::identity::Identity id;
  id.canonical_arn = "arn:aws:iam::1:role/x";
  id.user_id = "AROA";
  for (bool strict : {false, true}) {
    if (auto f = kubeiam::identity::ParseDynamicFile(input, strict)) (void)f->table.Find(id);
  }
  return 0;
}
