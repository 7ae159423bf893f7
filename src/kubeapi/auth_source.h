// What the Kubernetes front asks of the server, apart from how the server does it: the current
// snapshot, who a token belongs to (STS-confirmed), what that identity maps to, and the access
// entry behind a SubjectAccessReview's user. The webhook authenticator implements it; tests give
// a fake over a fixed snapshot.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "eks/access_policies.h"
#include "identity/identity.h"
#include "identity/mapper_chain.h"
#include "kubeapi/subject_access_review.h"
#include "state/snapshot.h"
#include "util/error.h"
#include "util/time.h"

namespace kubeiam::kubeapi {

// The access entry that authenticated a user, and its policies (pointing into a snapshot).
struct EntryGrant {
  const std::vector<eks::AssociatedPolicy>* policies;
  std::string entry;  // the entry's principal ARN
};

class AuthSource {
 public:
  virtual ~AuthSource() = default;
  virtual std::shared_ptr<const state::Snapshot> snapshot() const = 0;
  // Token -> identity. Errors: kThrottled when STS is busy; anything else means unauthenticated.
  virtual Result<identity::Identity> Verify(std::string_view token, TimePoint now) = 0;
  // Mapping against the given snapshot, so that one request reads one snapshot throughout.
  virtual Result<identity::UserInfo> MapWith(const state::Snapshot& snap, const identity::Identity& id) const = 0;
  // Errors (kNotFound) say why no entry authenticated the review's user.
  virtual Result<EntryGrant> EntryPolicies(const state::Snapshot& snap, const SubjectAccessReview& review) const = 0;
};

}  // namespace kubeiam::kubeapi
