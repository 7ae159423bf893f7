// aws-auth ConfigMap manifests and their data strings.
#include <cstddef>
#include <cstdint>
#include <string>

#include "identity/aws_auth.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  if (auto m = kubeiam::identity::ParseAwsAuthConfigMap(input)) (void)kubeiam::identity::BuildConfigMapTable(*m);
  auto d = kubeiam::identity::ParseAwsAuthData(input, input, input);
  kubeiam::identity::Identity id;
  id.canonical_arn = "arn:aws:iam::1:role/x";
  (void)kubeiam::identity::BuildConfigMapTable(d).Find(id);
  return 0;
}
