// A loopback STS stand-in for client tests: answers AssumeRole, AssumeRoleWithWebIdentity and
// GetCallerIdentity with well-formed XML, and checks SigV4 signatures against known secrets.
#pragma once

#include <map>
#include <string>

#include "support/fake_http_server.h"

namespace kubeiam::testing {

using Secrets = std::map<std::string, std::string>;

class FakeSts {
 public:
  // secrets: access key id -> secret access key, for signature checks.
  explicit FakeSts(std::map<std::string, std::string> secrets);
  // Over HTTPS with the given certificate and key (see MakeSelfSignedCert).
  FakeSts(std::map<std::string, std::string> secrets, const std::string& cert_file, const std::string& key_file);
  std::string url() const { return server_.url(); }
  std::vector<SeenRequest> requests() const { return server_.requests(); }
  // Form field `name` of request i.
  static std::string FormValue(const SeenRequest& r, const std::string& name);
  // Access key id of the credentials issued for a role session (deterministic, for asserts).
  static std::string IssuedKeyFor(const std::string& role_arn);
  std::string expiration = "2099-01-01T00:00:00Z";

 private:
  CannedResponse Handle(const SeenRequest& r);
  std::map<std::string, std::string> secrets_;
  FakeHttpServer server_;
};

}  // namespace kubeiam::testing
