// Where `kubeiam mapping` finds aws-auth: a manifest file (--aws-auth), or the cluster's
// kube-system/aws-auth ConfigMap through the Kubernetes API (--kubeconfig/--context/--cluster),
// read and written back as eksctl does: a get, then an update carrying the resourceVersion read
// (or a create when there is none), so a concurrent change is a conflict, never lost.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "http/tls_client.h"
#include "util/error.h"

namespace kubeiam::cli {

enum class WriteOutcome { kWritten, kConflict };

class AwsAuthLocation {
 public:
  virtual ~AwsAuthLocation() = default;
  // The manifest as YAML or JSON text; "" when there is none yet.
  virtual Result<std::string> Read() = 0;
  // Writes a manifest derived from the last Read(). kConflict: someone changed it meanwhile.
  virtual Result<WriteOutcome> Write(const std::string& manifest) = 0;
  // How messages name it: the file, or "configmap kube-system/aws-auth".
  virtual std::string Name() const = 0;
};

std::unique_ptr<AwsAuthLocation> AwsAuthFile(const std::string& path);

struct ClusterSelection {
  std::string kubeconfig, context, cluster_name;
  bool insecure_skip_tls_verify = false;
};
// Errors: the kubeconfig cannot be read or names no usable context.
Result<std::unique_ptr<AwsAuthLocation>> AwsAuthInCluster(const ClusterSelection& selection);

// kubectl's --insecure-skip-tls-verify for a command that reaches an API server: the server's
// certificate is not checked, and a kubeconfig's insecure-skip-tls-verify is accepted (without
// the flag it is refused).
CLI::Option* AddInsecureSkipTlsVerify(CLI::App* cmd, bool& flag);
http::PeerVerification PeerAsked(bool insecure_skip_tls_verify);

}  // namespace kubeiam::cli
