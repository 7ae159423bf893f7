// Kubernetes API request targets: method and path/query to the attributes the front authorizes,
// and the read-only objects loader's YAML to JSON on the same bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "kubeapi/request_info.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  for (const char* method : {"GET", "POST", "DELETE", "PATCH"}) {
    if (auto info = kubeiam::kubeapi::ParseRequestInfo(method, input)) (void)info->Attributes();
  }
  return 0;
}
