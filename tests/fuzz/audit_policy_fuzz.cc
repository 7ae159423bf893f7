// Audit policies: any input is refused with a message or parsed, and a parsed policy answers for
// any request.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "kubeapi/audit_policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  auto policy = kubeiam::kubeapi::AuditPolicy::Parse(input, "fuzz.yaml");
  if (!policy) {
    if (policy.error().message.empty()) std::abort();
    return 0;
  }
  kubeiam::kubeapi::AuditRequest r{"jane", {"devs"}, "get", true, "", "pods", "exec", "default", "web", "/api/v1/pods"};
  (void)policy->Evaluate(r);
  r.resource_request = false;
  (void)policy->Evaluate(r);
  return 0;
}
