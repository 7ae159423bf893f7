#include "identity/mapping.h"

#include <algorithm>

#include "aws/arn.h"
#include "aws/partitions.h"
#include "util/strings.h"

namespace kubeiam::identity {
namespace {

bool IsAccountId(std::string_view s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsPermissionSetName(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '+' ||
           c == '=' || c == ',' || c == '.' || c == '@' || c == '-';
  });
}

}  // namespace

Status RoleMapping::Validate() const {
  if (rolearn.empty() && !sso) return Fail(ErrorCode::kInvalidArgument, "one of rolearn or SSO must be supplied");
  if (!rolearn.empty() && sso) return Fail(ErrorCode::kInvalidArgument, "only one of rolearn or SSO can be supplied");
  if (sso) {
    if (!IsAccountId(sso->account_id)) {
      return Fail(ErrorCode::kInvalidArgument, "AccountID '" + sso->account_id + "' is not a valid AWS Account ID");
    }
    if (!IsPermissionSetName(sso->permission_set_name)) {
      return Fail(ErrorCode::kInvalidArgument,
                  "PermissionSetName '" + sso->permission_set_name + "' is not a valid AWS SSO PermissionSet Name");
    }
    if (!sso->partition.empty() && !aws::FindPartition(sso->partition)) {
      return Fail(ErrorCode::kInvalidArgument, "partition '" + sso->partition + "' is not a valid AWS partition");
    }
  }
  return {};
}

std::string RoleMapping::SsoArnLike() const {
  if (!sso) return "";
  std::string partition = sso->partition.empty() ? "aws" : sso->partition;
  return ToLower("arn:" + partition + ":iam::" + sso->account_id + ":role/AWSReservedSSO_" +
                 sso->permission_set_name + "_*");
}

std::string RoleMapping::Key() const { return sso ? SsoArnLike() : ToLower(rolearn); }

bool RoleMapping::Matches(std::string_view lower_canonical_arn) const {
  if (!rolearn.empty()) return EqualsIgnoreCase(rolearn, lower_canonical_arn);
  auto r = aws::ArnLike(lower_canonical_arn, SsoArnLike());
  return r && *r;
}

Status UserMapping::Validate() const {
  if (userarn.empty()) return Fail(ErrorCode::kInvalidArgument, "value for userarn must be supplied");
  return {};
}

}  // namespace kubeiam::identity
