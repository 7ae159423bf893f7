// Access-entries documents (YAML or JSON), then the mapping table and policies built from them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "eks/access_entries.h"
#include "identity/access_entry_table.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  auto entries = kubeiam::eks::ParseAccessEntries(input, "fuzz.yaml");
  if (entries) {
    auto table = kubeiam::identity::BuildAccessEntryTable(*entries);
    kubeiam::rbac::Attributes a;
    a.verb = "get";
    a.resource = "pods";
    a.namespace_ = "dev-a";
    for (const auto& e : entries->entries()) (void)kubeiam::eks::AuthorizeWithPolicies(e.policies, a);
  }
  return 0;
}
