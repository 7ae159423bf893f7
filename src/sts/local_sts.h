// The embedded local STS: GetCallerIdentity (presigned GET or header-signed POST), AssumeRole and
// GetSessionToken over the principal store, verifying SigV4 as AWS does, answering in AWS's XML
// (or JSON with Accept: application/json) with AWS's error codes.
//
// Temporary credentials are stateless: the session token carries who the holder is and when it
// expires, sealed with an HMAC under the store's master key; the secret key is derived from the
// access key id under the same key. So any replica with the key can verify them, and a restart
// forgets nothing.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sts/principal_store.h"
#include "util/time.h"

namespace kubeiam::sts {

struct StsRequest {
  std::string method, target;  // target: path and query as sent
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct StsAnswer {
  int status = 200;
  std::string content_type;
  std::string body;
};

class LocalSts {
 public:
  LocalSts(PrincipalStore store, std::string master_key) : store_(std::move(store)), key_(std::move(master_key)) {}
  StsAnswer Handle(const StsRequest& request, TimePoint now) const;
  const PrincipalStore& store() const { return store_; }

 private:
  PrincipalStore store_;
  std::string key_;
};

}  // namespace kubeiam::sts
