// The EC2 instance metadata service (IMDSv2, with the v1 fallback the AWS CLI has): instance
// role credentials and the instance's region.
//
// Honours AWS_EC2_METADATA_DISABLED, AWS_EC2_METADATA_SERVICE_ENDPOINT,
// AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE (IPv4/IPv6), AWS_EC2_METADATA_V1_DISABLED,
// AWS_METADATA_SERVICE_TIMEOUT and AWS_METADATA_SERVICE_NUM_ATTEMPTS, and the matching profile keys.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "aws/credentials.h"
#include "aws/shared_config.h"

namespace kubeiam::aws {

struct ImdsSettings {
  std::string endpoint = "http://169.254.169.254";
  std::chrono::milliseconds timeout{1000};
  int attempts = 1;
  bool v1_disabled = false;
};

// nullopt when IMDS is disabled by the environment.
std::optional<ImdsSettings> ImdsFromEnvironment(const Section& profile);

Result<Credentials> ImdsRoleCredentials(const ImdsSettings& s);
Result<std::string> ImdsRegion(const ImdsSettings& s);

}  // namespace kubeiam::aws
