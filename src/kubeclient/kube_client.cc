#include "kubeclient/kube_client.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "http/tls_client.h"
#include "util/file.h"
#include "util/strings.h"
#include "util/time.h"

namespace kubeiam::kubeclient {
namespace {

Result<std::shared_ptr<boost::asio::ssl::context>> TlsFor(const KubeContext& c, const std::string& cert_pem,
                                                          const std::string& key_pem) {
  http::TlsClientFiles files{c.ca_file, c.cert_file, c.key_file, c.ca_pem, cert_pem, key_pem, c.peer};
  return http::MakeTlsClientContext(files, {"certificate-authority", "client-certificate", "client-key"});
}

std::string StatusText(const http::Response& r, std::string* reason) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(r.body, ec);
  const auto* o = ec ? nullptr : doc.if_object();
  auto member = [&](const char* k) {
    const auto* v = o ? o->if_contains(k) : nullptr;
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  *reason = member("reason");
  std::string message = member("message");
  return message.empty() ? "the server answered " + std::to_string(r.status) : message;
}

}  // namespace

Result<KubeClient> KubeClient::Open(KubeContext context) {
  KubeClient client(std::move(context));
  if (!client.context_.server.starts_with("https://")) {
    return Fail(ErrorCode::kInvalidArgument,
                "cluster \"" + client.context_.cluster_name + "\": server must be an https:// URL");
  }
  auto tls = TlsFor(client.context_, client.context_.cert_pem, client.context_.key_pem);
  if (!tls) return std::unexpected(tls.error());
  client.session_->tls = *tls;
  return client;
}

// Under the session's lock.
Status KubeClient::Refresh() {
  auto cred = RunExecPlugin(*context_.exec);
  if (!cred) return std::unexpected(cred.error().Wrap("getting credentials"));
  if (!cred->cert_pem.empty()) {
    auto tls = TlsFor(context_, cred->cert_pem, cred->key_pem);
    if (!tls) return std::unexpected(tls.error());
    session_->tls = *tls;
  }
  session_->exec = std::move(*cred);
  return {};
}

Result<std::pair<std::string, std::shared_ptr<boost::asio::ssl::context>>> KubeClient::Credentials() {
  std::lock_guard<std::mutex> l(session_->mu);
  if (context_.exec) {
    const auto& exec = session_->exec;
    bool stale = !exec || (exec->expires && *exec->expires <= Clock::now() + std::chrono::seconds(10));
    if (stale) {
      if (auto ok = Refresh(); !ok) return std::unexpected(ok.error());
    }
    return std::pair(session_->exec->token, session_->tls);
  }
  if (!context_.token_file.empty()) {
    auto token = ReadFile(context_.token_file, 64u << 10);
    if (!token) return std::unexpected(token.error().Wrap("user \"" + context_.user_name + "\": tokenFile"));
    return std::pair(std::string(Trim(*token)), session_->tls);
  }
  return std::pair(context_.token, session_->tls);
}

void KubeClient::ForgetExecToken() {
  std::lock_guard<std::mutex> l(session_->mu);
  session_->exec.reset();
}

http::Request KubeClient::RequestFor(const std::string& method, const std::string& path, const std::string& token,
                                     std::shared_ptr<boost::asio::ssl::context> tls) const {
  http::Request request{.method = method, .url = context_.server + path, .tls = std::move(tls)};
  request.max_body = 256u << 20;  // a page of 500 large objects (ConfigMaps) can be big
  request.headers.emplace_back("Accept", "application/json");
  if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
  return request;
}

Result<http::Response> KubeClient::Call(const std::string& method, const std::string& path, const std::string& body,
                                        const std::string& content_type) {
  for (int attempt = 0;; ++attempt) {
    auto cred = Credentials();
    if (!cred) return std::unexpected(cred.error());
    http::Request request = RequestFor(method, path, cred->first, cred->second);
    request.body = body;
    if (!body.empty()) request.headers.emplace_back("Content-Type", content_type);
    auto answer = http::Fetch(request);
    if (!answer || answer->status != 401 || !context_.exec || attempt > 0) return answer;
    ForgetExecToken();  // a cached token the server no longer takes: ask the plugin once more
  }
}

Result<http::Response> KubeClient::Stream(const std::string& path, const std::function<bool(std::string_view)>& on_event,
                                          std::chrono::seconds idle, const std::atomic<bool>* stop) {
  auto cred = Credentials();
  if (!cred) return std::unexpected(cred.error());
  http::Request request = RequestFor("GET", path, cred->first, cred->second);
  request.timeout = idle;
  std::string partial;  // a line not yet ended
  bool too_long = false;
  auto answer = http::FetchStream(
      request,
      [&](std::string_view piece) {
        if (piece.empty()) return on_event(piece);
        partial.append(piece);
        size_t start = 0;
        for (size_t nl; (nl = partial.find('\n', start)) != std::string::npos; start = nl + 1) {
          if (nl > start && !on_event(std::string_view(partial).substr(start, nl - start))) return false;
        }
        partial.erase(0, start);
        too_long = partial.size() > (16u << 20);  // one event is never this large
        return !too_long;
      },
      stop);
  if (too_long) return Fail(ErrorCode::kFormat, "a watch event from " + context_.server + " is larger than 16 MiB");
  if (answer && answer->status == 401 && context_.exec) ForgetExecToken();  // the next attempt asks afresh
  return answer;
}

bool IsConflict(const http::Response& response) { return response.status == 409; }

Error ApiError(const http::Response& response) {
  std::string reason;
  std::string message = StatusText(response, &reason);
  if (response.status == 401) {
    return Error{ErrorCode::kUnauthenticated, "You must be logged in to the server (Unauthorized)"};
  }
  ErrorCode code = response.status == 403   ? ErrorCode::kPermissionDenied
                   : response.status == 404  ? ErrorCode::kNotFound
                   : response.status == 422 || response.status == 400 ? ErrorCode::kInvalidArgument
                                                                       : ErrorCode::kUpstream;
  return Error{code, "Error from server" + (reason.empty() ? std::string() : " (" + reason + ")") + ": " + message};
}

}  // namespace kubeiam::kubeclient
