// The embedded local STS: GetCallerIdentity (presigned GET or header-signed POST), AssumeRole and
// GetSessionToken over the principal store, and IAM's GetRole/GetUser (Version 2010-05-08, signed
// for service iam) so that offline tools can check principal IDs, verifying SigV4 as AWS does, answering in AWS's XML
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

#include "aws/sigv4.h"
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

// Who signed a request, once the signature checks out.
struct Caller {
  std::string arn;  // as GetCallerIdentity reports it
  std::string user_id;
  std::string account;
  bool temporary = false;
};

// Why a request's authentication failed: HTTP status, AWS error code, message.
struct AuthFailure {
  int status;
  std::string code, message;
};

class LocalSts {
 public:
  LocalSts(PrincipalStore store, std::string master_key) : store_(std::move(store)), key_(std::move(master_key)) {}
  StsAnswer Handle(const StsRequest& request, TimePoint now) const;
  // SigV4 authentication of any request to a local service (`service`: "sts", "eks"), against
  // the store's keys and the sealed temporary credentials: signature, scope and freshness
  // (15 minutes either way; a presigned request's own X-Amz-Expires unless
  // `presigned_lives_15_minutes`).
  std::expected<Caller, AuthFailure> Authenticate(const aws::SignableRequest& request, std::string_view service,
                                                  TimePoint now, bool presigned_lives_15_minutes = false) const;
  const PrincipalStore& store() const { return store_; }

 private:
  PrincipalStore store_;
  std::string key_;
};

}  // namespace kubeiam::sts
