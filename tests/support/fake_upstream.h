// A stand-in for the Kubernetes API server behind kubeiam's API front: HTTPS on 127.0.0.1 that
// requires a client certificate it trusts, serves each connection on its own thread, records
// every request (with the client certificate's subject), and answers:
//   a watch (watch=true)      a chunked stream: one event at once, the next once Release() runs
//   an Upgrade request        101 Switching Protocols, then echoes every byte back
//   a target with early-hints a 103 interim answer first (20 of them with early-hints-flood),
//                             then the echo
//   anything else             200 with a JSON echo of the request (method, target, headers)
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/fake_http_server.h"

namespace kubeiam::testing {

struct UpstreamRequest : SeenRequest {
  std::string client_subject;  // the verified client certificate's subject, one line
};

class FakeUpstream {
 public:
  // `cert`/`key`: the server's; `client_ca`: what a client certificate must chain to.
  FakeUpstream(const std::string& cert, const std::string& key, const std::string& client_ca);
  ~FakeUpstream();
  int port() const { return port_; }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  std::vector<UpstreamRequest> requests() const;
  int connections() const;  // accepted so far
  void Release();           // a watch waiting for its second event sends it and ends

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace kubeiam::testing
