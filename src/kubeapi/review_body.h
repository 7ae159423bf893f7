// What the API server checks of a review's body before it looks at the review: the apiVersion's
// group must be the endpoint's, the kind must be the endpoint's kind, and known fields must have
// their JSON types. Errors carry the API server's 400 messages, e.g.
//   the API version in the data (authorization.k8s.io/v1) does not match the expected API version (authentication.k8s.io/v1)
//   Pod in version "v1" cannot be handled as a TokenReview: no kind "Pod" is registered for version ...
//   TokenReview in version "v1" cannot be handled as a TokenReview: json: cannot unmarshal number into Go struct field ...
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "util/error.h"

namespace kubeiam::kubeapi {

struct ReviewType {
  std::string_view group;    // authentication.k8s.io
  std::string_view version;  // from the URL: v1
  std::string_view kind;     // TokenReview
};

// apiVersion and kind, when present, name this endpoint's type.
Status CheckReviewKind(const boost::json::object& body, const ReviewType& type);

// The token of a TokenReview body: spec and spec.token may be absent or null, but a token is
// required ("token is required for TokenReview in authentication").
Result<std::string> TokenReviewToken(const boost::json::object& body, const ReviewType& type);

// A SelfSubjectAccessReview asks about its caller only: spec.user, groups, uid and extra are
// unknown fields there and refused, as the API server's strict decoding refuses them.
Status CheckSelfReviewSpec(const boost::json::object& body, const ReviewType& type);

}  // namespace kubeiam::kubeapi
