// A plain-HTTP server on 127.0.0.1 for tests: answers with a handler, records what it saw.
// Stands in for IMDS, container credential endpoints and STS in client-side tests.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kubeiam::testing {

struct SeenRequest {
  std::string method, target, body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string Header(std::string_view name) const;
};

struct CannedResponse {
  int status = 200;
  std::string body;
  std::string content_type = "text/plain";
};

class FakeHttpServer {
 public:
  using Handler = std::function<CannedResponse(const SeenRequest&)>;
  explicit FakeHttpServer(Handler handler);
  // HTTPS with the given PEM certificate and key (see MakeSelfSignedCert).
  FakeHttpServer(Handler handler, const std::string& cert_file, const std::string& key_file);
  ~FakeHttpServer();
  int port() const { return port_; }
  std::string url() const { return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_); }
  std::vector<SeenRequest> requests() const;

 private:
  struct Impl;
  void Start(Handler handler);
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  bool tls_ = false;
};

// Writes a self-signed certificate for 127.0.0.1 and localhost into dir (cert.pem, key.pem),
// using the openssl command. Returns false if it could not.
bool MakeSelfSignedCert(const std::string& dir);

}  // namespace kubeiam::testing
