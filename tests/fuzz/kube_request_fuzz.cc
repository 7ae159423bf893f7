// Kubernetes API requests as the front reads them: method and path/query to the attributes it
// authorizes; the same bytes as a protobuf review body; and as client headers rewritten for the
// upstream (one "name: value" per line).
#include <cstddef>
#include <cstdint>
#include <string>

#include "kubeapi/forward_headers.h"
#include "kubeapi/protobuf_review.h"
#include "kubeapi/request_info.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  for (const char* method : {"GET", "POST", "DELETE", "PATCH"}) {
    if (auto info = kubeiam::kubeapi::ParseRequestInfo(method, input)) (void)info->Attributes();
  }
  (void)kubeiam::kubeapi::ReviewJsonFromProtobuf(input);
  (void)kubeiam::kubeapi::ReviewJsonFromProtobuf(std::string("k8s\0", 4) + input);
  kubeiam::kubeapi::Headers headers;
  size_t start = 0;
  while (start < input.size()) {
    size_t end = input.find('\n', start);
    if (end == std::string::npos) end = input.size();
    std::string line = input.substr(start, end - start);
    size_t colon = line.find(':');
    if (colon != std::string::npos) headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
    start = end + 1;
  }
  (void)kubeiam::kubeapi::ForwardHeaders(headers, {input.substr(0, 16), {input.substr(0, 8)}, "", {{input, {input}}}});
  return 0;
}
