// Container credentials (ECS task roles, EKS Pod Identity):
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (against 169.254.170.2) or
// AWS_CONTAINER_CREDENTIALS_FULL_URI, with the token from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
// or AWS_CONTAINER_AUTHORIZATION_TOKEN.
#pragma once

#include <optional>
#include <string>

#include "aws/credentials.h"

namespace kubeiam::aws {

// True when the environment names a container endpoint.
bool ContainerCredentialsConfigured();

// A FULL_URI must be HTTPS or point at a loopback address or one of the container agents'
// link-local hosts; anything else is refused before any connection is made.
Status CheckContainerUri(const std::string& url);

Result<Credentials> ContainerCredentials();

}  // namespace kubeiam::aws
