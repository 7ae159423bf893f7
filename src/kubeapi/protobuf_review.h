// Review requests in the API server's protobuf encoding (`application/vnd.kubernetes.protobuf`,
// what kubectl sends for built-in types) turned into the JSON the review handlers read.
//
// The body is the "k8s\0" magic and a runtime.Unknown envelope (typeMeta, raw) whose raw bytes
// are the review: TokenReview, SelfSubjectReview, SelfSubjectAccessReview,
// SelfSubjectRulesReview, SubjectAccessReview or LocalSubjectAccessReview (authentication.k8s.io
// and authorization.k8s.io v1). Only the fields a decision reads are kept: the spec, and the
// metadata's name and namespace. Pure.
#pragma once

#include <string>
#include <string_view>

#include "util/error.h"

namespace kubeiam::kubeapi {

// Errors: not the envelope, truncated or malformed wire data, a kind that is not one of the
// reviews above, nesting deeper than a review has.
Result<std::string> ReviewJsonFromProtobuf(std::string_view body);

}  // namespace kubeiam::kubeapi
