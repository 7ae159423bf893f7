// Credential documents from IMDS, container endpoints and credential_process.
#include <cstddef>
#include <cstdint>
#include <string>

#include "aws/credentials.h"
#include "token/exec_credential.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  (void)kubeiam::aws::ParseJsonCredentials(input, "fuzz");
  (void)kubeiam::token::ChooseApiVersion(input);
  return 0;
}
