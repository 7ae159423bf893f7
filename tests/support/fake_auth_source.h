// An AuthSource for unit tests of the Kubernetes front: a fixed snapshot, the FakeVerifier's
// tokens ("token-for:<ARN>", "throttled"), and a fixed table from ARN to user. No access entry
// ever authenticated a SubjectAccessReview's user.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "kubeapi/auth_source.h"
#include "support/fake_verifier.h"

namespace kubeiam::testing {

class FakeAuthSource : public kubeapi::AuthSource {
 public:
  explicit FakeAuthSource(std::shared_ptr<const state::Snapshot> snap) : snap_(std::move(snap)) {}

  std::shared_ptr<const state::Snapshot> snapshot() const override { return snap_; }
  Result<identity::Identity> Verify(std::string_view token, TimePoint now) override { return verifier.Verify(token, now); }
  Result<identity::UserInfo> MapWith(const state::Snapshot&, const identity::Identity& id) const override {
    auto it = users.find(id.arn);
    if (it == users.end()) return Fail(ErrorCode::kPermissionDenied, "identity is not mapped");
    return it->second;
  }
  Result<kubeapi::EntryGrant> EntryPolicies(const state::Snapshot&, const kubeapi::SubjectAccessReview&) const override {
    return Fail(ErrorCode::kNotFound, "the user was not authenticated by an access entry");
  }

  FakeVerifier verifier;
  std::map<std::string, identity::UserInfo> users;  // by principal ARN

 private:
  std::shared_ptr<const state::Snapshot> snap_;
};

}  // namespace kubeiam::testing
