// Where the access-entry commands send EKS access API operations: a server's API
// (--endpoint-url, SigV4-signed with the caller's AWS credentials, as awscli signs them) or a
// store file (--store, or the store a --config names) through the same request handler the
// server runs, so both answer with the same rules, shapes and errors.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "aws/client_config.h"
#include "aws/credentials.h"
#include "http/client.h"
#include "server/eks_api.h"
#include "util/error.h"

namespace kubeiam::cli {

struct EksTarget {
  std::string store, config, endpoint, region, profile;
  std::string cluster;  // names a new store's cluster when no --config does
  // Authenticate to the API with a kubeiam token for `cluster` (Authorization: Bearer) instead
  // of SigV4: how callers with real IAM credentials reach a server that has no local STS.
  bool bearer = false;
  std::string sts_endpoint;  // where the token's presigned request points (default: the region's STS)
};

struct EksReply {
  int status = 0;
  std::string body;
  std::string error_type;  // x-amzn-ErrorType
  bool ok() const { return status / 100 == 2; }
  // "An error occurred (Type) when calling the Op operation: message", as awscli prints it.
  std::string Describe(const std::string& operation) const;
};

// --store, --config, --endpoint-url, --region, --profile, --bearer-token, --sts-endpoint.
void AddEksTargetOptions(CLI::App* cmd, EksTarget& target);

class EksClient {
 public:
  // Errors: kInvalidArgument for no or conflicting targets; the store's or config's errors.
  static Result<EksClient> Open(const EksTarget& target);
  Result<EksReply> Call(const std::string& method, const std::string& target, const std::string& body) const;

 private:
  // What the calls of one client share (copies and threads included): the resolved config and
  // credentials (resolved again once they are about to expire) and kept-alive connections.
  struct Session {
    std::mutex mu;
    std::optional<aws::ClientConfig> client;
    std::optional<aws::Credentials> creds;
    http::ConnectionPool pool{8};
  };
  Result<std::pair<aws::ClientConfig, aws::Credentials>> Signer() const;

  EksTarget target_;
  std::shared_ptr<server::EksApi> local_;  // set for a store
  std::shared_ptr<Session> session_ = std::make_shared<Session>();
};

}  // namespace kubeiam::cli
