// Who is asking the Kubernetes front, after authentication and impersonation: the user and
// groups RBAC sees, the uid and extra the API server would record, and the access policies of
// the caller's access entry (none once impersonating).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "eks/access_policies.h"
#include "rbac/objects.h"

namespace kubeiam::kubeapi {

struct Caller {
  rbac::UserInfo user;
  std::string uid;
  std::map<std::string, std::vector<std::string>> extra;
  const std::vector<eks::AssociatedPolicy>* policies = nullptr;  // into the request's snapshot
};

}  // namespace kubeiam::kubeapi
