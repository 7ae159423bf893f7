// STS XML and JSON answers.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sts/sts_api.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  (void)kubeiam::sts::ParseAssumeRoleResponse(input, "AssumeRole");
  (void)kubeiam::sts::ParseCallerIdentityResponse(input);
  (void)kubeiam::sts::ParseErrorResponse(400, input, "AssumeRole");
  return 0;
}
