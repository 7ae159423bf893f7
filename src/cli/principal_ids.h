// How `kubeiam doctor` learns a principal's current ID: from the local STS's principals when the
// config runs one (offline), else from IAM's GetRole/GetUser with the caller's credentials (the
// usual chain; --iam-endpoint-url, AWS_ENDPOINT_URL_IAM, or IAM's global endpoint). Principals in
// an account other than the credentials' cannot be read, and say so.
#pragma once

#include <string>

#include "state/doctor.h"

namespace kubeiam::cli {

state::PrincipalIdLookup PrincipalIdsFor(const std::string& config_path, const std::string& iam_endpoint);

}  // namespace kubeiam::cli
