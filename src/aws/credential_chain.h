// The AWS CLI's credential chain, in its order:
//   1. environment keys (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), skipped
//      when --profile is given;
//   2. the profile's role_arn with source_profile (chains of any depth) or credential_source;
//   3. web identity: the profile's role_arn + web_identity_token_file, or AWS_ROLE_ARN +
//      AWS_WEB_IDENTITY_TOKEN_FILE (+ AWS_ROLE_SESSION_NAME);
//   4. the profile's keys (credentials file, then config file) or its credential_process;
//   5. container credentials; 6. the instance metadata service.
// AssumeRole and AssumeRoleWithWebIdentity are real signed STS calls to the configured endpoint.
#pragma once

#include <functional>
#include <string>

#include "aws/client_config.h"
#include "aws/credentials.h"

namespace kubeiam::aws {

// Asks the user for an MFA code for `serial` (the CLI prompts on stderr, reads stdin).
using MfaPrompt = std::function<Result<std::string>(const std::string& serial)>;

struct ChainContext {
  const ClientConfig& config;
  TimePoint now;
  MfaPrompt mfa_prompt;
};

// Error with the AWS CLI's text when nothing yields credentials:
// "Unable to locate credentials. You can configure credentials by running "aws configure"."
Result<Credentials> ResolveCredentials(const ChainContext& ctx);

}  // namespace kubeiam::aws
