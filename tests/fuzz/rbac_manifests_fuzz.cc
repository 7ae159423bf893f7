// RBAC manifests, then authorization over whatever loaded.
#include <cstddef>
#include <cstdint>
#include <string>

#include "rbac/authorizer.h"
#include "rbac/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  auto o = kubeiam::rbac::ParseManifests(input, "fuzz.yaml");
  if (!o) return 0;
  kubeiam::rbac::Authorizer p(o->roles, o->cluster_roles, o->role_bindings, o->cluster_role_bindings);
  kubeiam::rbac::Attributes a;
  a.user = {"u", {"g", "system:authenticated"}};
  a.verb = "get";
  a.namespace_ = "default";
  a.resource = "pods";
  (void)p.Authorize(a);
  (void)p.RulesFor(a.user, "default");
  (void)p.AllowedSubjects(a, "");
  return 0;
}
