// Kubeconfigs (as kubectl reads them) and exec plugins' ExecCredential output.
#include <cstddef>
#include <cstdint>
#include <string>

#include "kubeclient/exec_credential.h"
#include "kubeclient/kubeconfig.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  (void)kubeiam::kubeclient::KubeContextFromText(input, "");
  (void)kubeiam::kubeclient::KubeContextFromText(input, "lab");
  (void)kubeiam::kubeclient::ParseExecCredential(input, "client.authentication.k8s.io/v1beta1");
  return 0;
}
