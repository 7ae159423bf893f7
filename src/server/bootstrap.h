// From a loaded Config to running parts: the local STS (principals plus the master key kept in
// the state dir, created 0600 on first use), the authenticator, and the TLS material.
#pragma once

#include <memory>

#include "server/authenticator.h"
#include "server/tls_material.h"

namespace kubeiam::server {

struct Parts {
  std::shared_ptr<const sts::LocalSts> local_sts;  // null unless sts.local is configured
  std::unique_ptr<Authenticator> authenticator;
  TlsPaths tls;
};

Result<Parts> Bootstrap(const Config& config);

}  // namespace kubeiam::server
