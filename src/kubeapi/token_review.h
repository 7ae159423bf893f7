// TokenReview bodies for POST /authenticate (spec/authenticator.md §4.3, §3.11): reading the
// request's spec.token and writing the answer in the version that was asked for.
#pragma once

#include <set>
#include <string>

#include "identity/identity.h"
#include "identity/mapper_chain.h"
#include "util/error.h"

namespace kubeiam::kubeapi {

struct TokenReviewRequest {
  std::string api_version;  // as sent; "" if absent (answered as authentication.k8s.io/v1beta1)
  std::string token;
};

// Errors: "expected a request body" (empty), "expected a request body to be a TokenReview"
// (not JSON, not an object, or spec.token not a string).
Result<TokenReviewRequest> ParseTokenReview(std::string_view body);

// The uid the API server gets: aws-iam-authenticator:<account>:<userid>, or for a scrubbed
// account aws-iam-authenticator:administrative:<username>.
std::string KubernetesUid(const identity::Identity& id, const std::string& username, bool scrubbed);

// status.user of an accepted review: uid aws-iam-authenticator:<account>:<userid> and the extra
// keys arn, canonicalArn, sessionName, accessKeyId, principalId and
// sigs.k8s.io/aws-iam-authenticator/principalId, unless the account is scrubbed (then the uid
// names the username and there is no extra).
std::string AcceptedReview(std::string_view api_version, const identity::Identity& id, const identity::UserInfo& user,
                           const std::set<std::string>& scrubbed_accounts);
// An empty, unauthenticated review; `reason` goes to status.error.
std::string DeniedReview(std::string_view api_version, std::string_view reason);

}  // namespace kubeiam::kubeapi
