// aws-auth manifests through the editing tools: parse, re-serialise (and parse that again),
// lint, and plan a migration.
#include <cstddef>
#include <cstdint>
#include <string>

#include "identity/aws_auth_lint.h"
#include "identity/aws_auth_manifest.h"
#include "identity/migration.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  (void)kubeiam::identity::LintAwsAuth(input);
  auto m = kubeiam::identity::AwsAuthManifest::Parse(input);
  if (!m) return 0;
  (void)kubeiam::identity::PlanMigration(*m, {}, {"demo", "111122223333", "us-east-1", "aws"});
  auto again = kubeiam::identity::AwsAuthManifest::Parse(m->Serialize());
  if (!again || again->roles != m->roles || again->users != m->users) __builtin_trap();  // writing must not change rows
  return 0;
}
