// SubjectAccessReview bodies for POST /authorize, kube-apiserver's authorizer webhook
// (spec/rbac.md §4.1): reading the request's attributes and identity, writing the decision in
// the version that was asked for (authorization.k8s.io/v1, or v1beta1 with `spec.group`).
#pragma once

#include <boost/json/object.hpp>

#include <map>
#include <string>
#include <vector>

#include "rbac/objects.h"
#include "util/error.h"

namespace kubeiam::kubeapi {

struct SubjectAccessReview {
  std::string api_version;  // as sent; "" if absent (answered as authorization.k8s.io/v1)
  rbac::Attributes attributes;  // user and groups exactly as sent (none implied)
  std::string uid;
  std::map<std::string, std::vector<std::string>> extra;
};

// Errors (kInvalidArgument) name the field: "spec: exactly one of resourceAttributes and
// nonResourceAttributes is required", "spec: at least one of user and groups is required",
// "spec.extra.<key>: must be a list of strings", ...
Result<SubjectAccessReview> ParseSubjectAccessReview(std::string_view body);

// A request's attributes as a review's spec carries them: `resourceAttributes` {namespace, verb,
// group, resource, subresource, name} or `nonResourceAttributes` {verb, path}, set in `spec`.
void PutAttributes(const rbac::Attributes& a, boost::json::object& spec);

// The review with status {allowed, denied?, reason?, evaluationError?}.
std::string SubjectAccessReviewStatus(std::string_view api_version, bool allowed, std::string_view reason,
                                      std::string_view evaluation_error = "");

}  // namespace kubeiam::kubeapi
