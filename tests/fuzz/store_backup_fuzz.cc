// Backup files: any input is refused with a message or decoded; what decodes encodes and decodes
// to the same keys.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "store/state_transfer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  auto dump = kubeiam::store::DecodeBackup(input);
  if (!dump) {
    if (dump.error().message.empty()) std::abort();
    return 0;
  }
  auto again = kubeiam::store::DecodeBackup(kubeiam::store::EncodeBackup(*dump));
  if (!again || again->kvs.size() != dump->kvs.size()) std::abort();
  for (size_t i = 0; i < dump->kvs.size(); ++i) {
    if (again->kvs[i].key != dump->kvs[i].key || again->kvs[i].value != dump->kvs[i].value) std::abort();
  }
  return 0;
}
