#include "identity/mapping_table.h"

#include "aws/arn.h"
#include "util/strings.h"

namespace kubeiam::identity {

void MappingTable::AddRole(RoleMapping role) {
  role_order_.push_back(role);
  if (role.sso) {
    sso_roles_.push_back(std::move(role));
    return;
  }
  std::string key = keying_ == Keying::kUserId ? role.userid : ToLower(role.rolearn);
  if (keying_ != Keying::kUserId) {
    if (auto stripped = aws::StripPath(key); stripped && *stripped != key) stripped_roles_.emplace(*stripped, key);
  }
  roles_[key] = std::move(role);
}

void MappingTable::AddUser(UserMapping user) {
  user_order_.push_back(user);
  std::string key = keying_ == Keying::kUserId ? user.userid : ToLower(user.userarn);
  users_[key] = std::move(user);
}

Result<std::optional<MappedEntry>> MappingTable::Find(const Identity& id) const {
  if (keying_ == Keying::kUserId) return FindByUserId(id);
  std::string c = ToLower(id.canonical_arn);
  auto role = roles_.find(c);
  if (role == roles_.end()) {
    if (auto s = stripped_roles_.find(c); s != stripped_roles_.end()) role = roles_.find(s->second);
  }
  // Access entries: a recorded principal ID must be the caller's.
  auto same_principal = [&](const std::string& userid) {
    return keying_ != Keying::kArnAndUserId || userid.empty() || id.user_id.empty() || userid == id.user_id;
  };
  if (role != roles_.end()) {
    if (!same_principal(role->second.userid)) return std::nullopt;
    return MappedEntry{role->second.rolearn, role->second.username, role->second.groups};
  }
  for (const auto& r : sso_roles_) {
    if (r.Matches(c)) return MappedEntry{r.SsoArnLike(), r.username, r.groups};
  }
  if (auto user = users_.find(c); user != users_.end()) {
    if (!same_principal(user->second.userid)) return std::nullopt;
    return MappedEntry{user->second.userarn, user->second.username, user->second.groups};
  }
  return std::nullopt;
}

Result<std::optional<MappedEntry>> MappingTable::FindByUserId(const Identity& id) const {
  auto check = [&](const std::string& arn) -> Status {
    // An entry keyed by user ID must also name the same principal, path aside.
    if (arn.empty()) return {};
    auto stripped = aws::StripPath(arn);
    if (!stripped || ToLower(*stripped) != ToLower(id.canonical_arn)) {
      return Fail(ErrorCode::kPermissionDenied, "ARN does not match User ID");
    }
    return {};
  };
  if (auto role = roles_.find(id.user_id); role != roles_.end()) {
    if (auto ok = check(role->second.rolearn); !ok) return std::unexpected(ok.error());
    return MappedEntry{role->second.rolearn, role->second.username, role->second.groups};
  }
  if (auto user = users_.find(id.user_id); user != users_.end()) {
    if (auto ok = check(user->second.userarn); !ok) return std::unexpected(ok.error());
    return MappedEntry{user->second.userarn, user->second.username, user->second.groups};
  }
  return std::nullopt;
}

}  // namespace kubeiam::identity
