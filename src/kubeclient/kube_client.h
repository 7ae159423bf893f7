// A client for one kubeconfig context: each request carries the context's credentials (a bearer
// token, a token file re-read on each use, a client certificate, or an exec plugin's token,
// reused until it expires) and trusts only the context's CA.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "http/client.h"
#include "kubeclient/exec_credential.h"
#include "kubeclient/kubeconfig.h"

namespace kubeiam::kubeclient {

class KubeClient {
 public:
  // Errors: the CA or client certificate cannot be loaded (named as the kubeconfig names them).
  static Result<KubeClient> Open(KubeContext context);

  // One request to `path` (/api/..., /apis/...). Any HTTP status is an answer; only transport
  // and credential failures are errors. A 401 after a cached exec token retries once afresh.
  Result<http::Response> Call(const std::string& method, const std::string& path, const std::string& body = "",
                              const std::string& content_type = "application/json");

  const KubeContext& context() const { return context_; }

 private:
  explicit KubeClient(KubeContext context) : context_(std::move(context)) {}
  Status Refresh();
  Result<std::string> Token();

  KubeContext context_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  std::optional<ExecCredential> exec_;
};

// An answer that is not 2xx, as kubectl prints it: `Error from server (NotFound): configmaps
// "aws-auth" not found`, or `You must be logged in to the server (Unauthorized)` for 401.
// Codes: 401 kUnauthenticated, 403 kPermissionDenied, 404 kNotFound, 409 kUpstream (a Conflict:
// `IsConflict` tells it), 422/400 kInvalidArgument, others kUpstream.
Error ApiError(const http::Response& response);
bool IsConflict(const http::Response& response);

}  // namespace kubeiam::kubeclient
