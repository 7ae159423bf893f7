// Kubeconfig exec plugins (client.authentication.k8s.io ExecCredential), as client-go runs them:
// the plugin's env added to ours, KUBERNETES_EXEC_INFO describing the call, stdout read as an
// ExecCredential whose status carries a token (or a client certificate) and maybe an expiry.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "kubeclient/kubeconfig.h"
#include "util/time.h"

namespace kubeiam::kubeclient {

struct ExecCredential {
  std::string token;
  std::string cert_pem, key_pem;
  std::optional<std::chrono::system_clock::time_point> expires;
};

// Errors name the plugin as client-go does: "exec: executable aws not found",
// "exec: executable kubeiam failed with exit code 1", "exec plugin: ... status is missing".
Result<ExecCredential> RunExecPlugin(const ExecPlugin& plugin);

// A plugin's standard output, which must be an ExecCredential of `api_version`.
Result<ExecCredential> ParseExecCredential(const std::string& out, const std::string& api_version);

}  // namespace kubeiam::kubeclient
