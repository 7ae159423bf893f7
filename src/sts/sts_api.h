// STS calls the client side needs: AssumeRole, AssumeRoleWithWebIdentity, GetCallerIdentity; and
// IAM's GetRole/GetUser, which speak the same protocol.
//
// Requests use the Query protocol (form-encoded POST, SigV4 header-signed except for
// AssumeRoleWithWebIdentity, which is unsigned by design); answers are XML. Errors carry the
// STS error code and message, formatted as the AWS CLI prints them.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "aws/credentials.h"
#include "util/error.h"
#include "util/time.h"

namespace kubeiam::sts {

struct Endpoint {
  std::string url;      // e.g. https://sts.us-west-2.amazonaws.com
  std::string region;   // signing region
  std::string ca_file;  // optional PEM bundle (AWS_CA_BUNDLE / ca_bundle)
  std::chrono::milliseconds timeout{10000};
};

struct AssumeRoleInput {
  std::string role_arn;
  std::string session_name;
  std::string external_id;                 // optional
  std::optional<int> duration_seconds;     // optional, 900..43200
  std::string mfa_serial, mfa_token;       // optional, together
};

struct AssumedRole {
  aws::Credentials credentials;
  std::string assumed_role_arn;  // arn:aws:sts::123:assumed-role/Role/session
  std::string assumed_role_id;   // AROA...:session
};

struct CallerIdentity {
  std::string account, arn, user_id;
};

Result<AssumedRole> AssumeRole(const Endpoint& ep, const aws::Credentials& caller, const AssumeRoleInput& in,
                               TimePoint now);
Result<AssumedRole> AssumeRoleWithWebIdentity(const Endpoint& ep, const std::string& role_arn,
                                              const std::string& session_name, const std::string& web_identity_token,
                                              std::optional<int> duration_seconds);
Result<CallerIdentity> GetCallerIdentity(const Endpoint& ep, const aws::Credentials& caller, TimePoint now);

// IAM's GetRole or GetUser (the same Query protocol, signed for service iam, Version
// 2010-05-08) for a role or user ARN: its current unique ID (AROA.../AIDA...), or nullopt when IAM
// has no such principal (NoSuchEntity) in the caller's account.
Result<std::optional<std::string>> GetPrincipalId(const Endpoint& iam, const aws::Credentials& caller, const std::string& arn,
                                                  TimePoint now);

// Parsers, public for tests and fuzzing. `action` is e.g. "AssumeRole".
Result<AssumedRole> ParseAssumeRoleResponse(std::string_view xml, std::string_view action);
Result<CallerIdentity> ParseCallerIdentityResponse(std::string_view body);  // XML or JSON
// "An error occurred (<Code>) when calling the <action> operation: <Message>" from an STS error
// document; falls back to the HTTP status when the body is not one.
Error ParseErrorResponse(int http_status, std::string_view body, std::string_view action);

}  // namespace kubeiam::sts
