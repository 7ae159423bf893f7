// One backend's mappings, immutable once built, and how an identity is looked up in it.
//
// Backends differ only in how they build the table (spec/authenticator.md §3.3, §3.4, §3.8);
// lookups are the same: exact role ARN (case-insensitive), then a role ARN whose path is
// stripped (STS never reports role paths, the reference's issue #268), then SSO patterns in the
// order written, then users. DynamicFile's strict mode keys on the user ID instead.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "identity/identity.h"
#include "identity/mapping.h"

namespace kubeiam::identity {

class MappingTable {
 public:
  // kArn: by ARN. kUserId: by user ID (strict DynamicFile). kArnAndUserId: by ARN, and an entry
  // that records a user ID matches only that ID when the identity's is known (access entries: a
  // principal recreated under the same ARN does not inherit the old one's access).
  enum class Keying { kArn, kUserId, kArnAndUserId };

  MappingTable() = default;
  explicit MappingTable(Keying keying) : keying_(keying) {}

  // Later entries with the same key replace earlier ones. Roles must already be valid.
  void AddRole(RoleMapping role);
  void AddUser(UserMapping user);
  void AddAccount(std::string account) { accounts_.insert(std::move(account)); }

  // A mapping, nullopt for "not mapped", or an error (strict DynamicFile: "ARN does not match User ID").
  Result<std::optional<MappedEntry>> Find(const Identity& id) const;
  bool IsAccountAllowed(std::string_view account) const { return accounts_.contains(std::string(account)); }

  Keying keying() const { return keying_; }
  size_t role_count() const { return roles_.size() + sso_roles_.size(); }
  size_t user_count() const { return users_.size(); }
  size_t account_count() const { return accounts_.size(); }
  const std::vector<RoleMapping>& roles_in_order() const { return role_order_; }
  const std::vector<UserMapping>& users_in_order() const { return user_order_; }
  const std::set<std::string>& accounts() const { return accounts_; }

 private:
  Result<std::optional<MappedEntry>> FindByUserId(const Identity& id) const;

  Keying keying_ = Keying::kArn;
  std::map<std::string, RoleMapping> roles_;           // lower-case ARN or user ID
  std::map<std::string, std::string> stripped_roles_;  // lower-case path-less ARN -> key in roles_
  std::vector<RoleMapping> sso_roles_;
  std::map<std::string, UserMapping> users_;           // lower-case ARN or user ID
  std::set<std::string> accounts_;
  std::vector<RoleMapping> role_order_;  // as added, for listing and re-encoding
  std::vector<UserMapping> user_order_;
};

}  // namespace kubeiam::identity
