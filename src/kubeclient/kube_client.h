// A client for one kubeconfig context: each request carries the context's credentials (a bearer
// token, a token file re-read on each use, a client certificate, or an exec plugin's token,
// reused until it expires) and trusts only the context's CA.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
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

  // A watch (`path` carries watch=true): "" when the stream opens, then each line of it (one
  // event) goes to `on_event` as it arrives, until the server ends the stream, `on_event` returns false, or `stop` is set.
  // A silence longer than `idle` is an error. A non-2xx answer comes back whole, as from Call.
  Result<http::Response> Stream(const std::string& path, const std::function<bool(std::string_view)>& on_event,
                                std::chrono::seconds idle, const std::atomic<bool>* stop);

  const KubeContext& context() const { return context_; }

 private:
  // What copies share: the TLS setup and the exec plugin's cached credential. Threads may use
  // copies of one client at once.
  struct Session {
    std::mutex mu;
    std::shared_ptr<boost::asio::ssl::context> tls;
    std::optional<ExecCredential> exec;
  };
  explicit KubeClient(KubeContext context) : context_(std::move(context)), session_(std::make_shared<Session>()) {}
  Status Refresh();
  // The bearer token and the TLS setup to send it with.
  Result<std::pair<std::string, std::shared_ptr<boost::asio::ssl::context>>> Credentials();
  http::Request RequestFor(const std::string& method, const std::string& path, const std::string& token,
                           std::shared_ptr<boost::asio::ssl::context> tls) const;
  void ForgetExecToken();

  KubeContext context_;
  std::shared_ptr<Session> session_;
};

// An answer that is not 2xx, as kubectl prints it: `Error from server (NotFound): configmaps
// "aws-auth" not found`, or `You must be logged in to the server (Unauthorized)` for 401.
// Codes: 401 kUnauthenticated, 403 kPermissionDenied, 404 kNotFound, 409 kUpstream (a Conflict:
// `IsConflict` tells it), 422/400 kInvalidArgument, others kUpstream.
Error ApiError(const http::Response& response);
bool IsConflict(const http::Response& response);

}  // namespace kubeiam::kubeclient
