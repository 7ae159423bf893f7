#include "identity/identity.h"

#include "util/strings.h"

namespace kubeiam::identity {

Result<Identity> BuildIdentity(std::string_view arn, std::string_view account, std::string_view user_id,
                               std::string access_key_id, std::string sts_endpoint) {
  auto principal = aws::Canonicalize(arn);
  if (!principal) return Fail(ErrorCode::kUpstream, "sts getCallerIdentity failed: " + principal.error().message);
  Identity id;
  id.arn = std::string(arn);
  id.canonical_arn = principal->canonical_arn;
  id.account_id = std::string(account);
  id.access_key_id = std::move(access_key_id);
  id.sts_endpoint = std::move(sts_endpoint);
  id.type = principal->type;
  switch (principal->type) {
    case aws::PrincipalType::kFederatedUser:
    case aws::PrincipalType::kUser:
    case aws::PrincipalType::kRoot:
      id.user_id = std::string(user_id);
      break;
    case aws::PrincipalType::kAssumedRole:
    case aws::PrincipalType::kRole: {
      auto parts = Split(user_id, ':');
      if (parts.size() != 2) {
        return Fail(ErrorCode::kUpstream, "sts getCallerIdentity failed: malformed UserID \"" + std::string(user_id) + "\"");
      }
      id.user_id = std::string(parts[0]);
      id.session_name = std::string(parts[1]);
      break;
    }
  }
  return id;
}

Result<Identity> IdentityFromArn(std::string_view arn) {
  auto principal = aws::Canonicalize(arn);
  if (!principal) return std::unexpected(principal.error());
  auto parsed = aws::ParseArn(arn);
  Identity id;
  id.arn = std::string(arn);
  id.canonical_arn = principal->canonical_arn;
  id.account_id = parsed->account;
  id.type = principal->type;
  if (principal->type == aws::PrincipalType::kAssumedRole) {
    id.session_name = parsed->resource.substr(parsed->resource.rfind('/') + 1);
  }
  return id;
}

}  // namespace kubeiam::identity
