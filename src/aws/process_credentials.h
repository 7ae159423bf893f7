// credential_process: runs the profile's command and reads credentials from its standard output
// ({"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}).
#pragma once

#include <string>

#include "aws/credentials.h"

namespace kubeiam::aws {

// Runs `command` through /bin/sh; its stderr passes through to ours (it may prompt). A non-zero
// exit, output over 1 MiB, or a document without Version 1 is an error.
Result<Credentials> ProcessCredentials(const std::string& command);

}  // namespace kubeiam::aws
