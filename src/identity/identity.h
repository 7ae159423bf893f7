// Who a verified token belongs to (spec/authenticator.md §2.5): STS's answer plus what the token
// itself carried.
#pragma once

#include <string>

#include "aws/arn.h"
#include "util/error.h"

namespace kubeiam::identity {

struct Identity {
  std::string arn;            // as STS returned it, e.g. arn:aws:sts::1:assumed-role/Admin/alice
  std::string canonical_arn;  // what mappings are keyed on, e.g. arn:aws:iam::1:role/Admin
  std::string account_id;
  std::string user_id;        // AROA.../AIDA... (for roles, the part before ':')
  std::string session_name;   // for roles, the part after ':'
  std::string access_key_id;  // from the token's X-Amz-Credential
  std::string sts_endpoint;   // host the token was verified against
  aws::PrincipalType type = aws::PrincipalType::kUser;
};

// From GetCallerIdentity's Arn, Account and UserId. Errors read
// "sts getCallerIdentity failed: <why>" (ErrorCode::kUpstream), as the reference's STSError.
Result<Identity> BuildIdentity(std::string_view arn, std::string_view account, std::string_view user_id,
                               std::string access_key_id, std::string sts_endpoint);

// What can be known of a principal from its ARN alone (no STS call): canonical ARN, account,
// and for an assumed role its session name. For offline analysis (can-i --arn, lookup --arn).
Result<Identity> IdentityFromArn(std::string_view arn);

}  // namespace kubeiam::identity
