// `kubeiam lint`: the mistakes that silently break an aws-auth ConfigMap (spec/authenticator.md
// §3.4, spec/eks-access.md §5.4 and §7): parsing traps that drop whole sections, keys in the
// wrong case, role paths that can never match, shadowed duplicates, merged groups, a missing
// node role, no administrator left. Each finding has the line it is about and a fix. Pure.
#pragma once

#include <string>
#include <vector>

namespace kubeiam::identity {

struct LintFinding {
  int line = 0;  // 1-based line in the manifest; 0 for the document as a whole
  bool error = false;
  std::string message, fix;
};

// `other_admins`: administrators that exist outside aws-auth (access entries, the server's
// config); when non-zero, a ConfigMap without system:masters is no lock-out.
std::vector<LintFinding> LintAwsAuth(std::string_view manifest, size_t other_admins = 0);

}  // namespace kubeiam::identity
