// The reviews the Kubernetes front answers itself, because they are about kubeiam's own
// decisions: SelfSubjectReview, TokenReview, SelfSubjectAccessReview, SubjectAccessReview,
// LocalSubjectAccessReview and SelfSubjectRulesReview (incomplete when access policies are in
// play, as on EKS). Bodies come as JSON or, from kubectl, as the API server's protobuf.
#pragma once

#include <optional>
#include <string>

#include "http/http_server.h"
#include "kubeapi/auth_source.h"
#include "kubeapi/caller.h"
#include "kubeapi/request_info.h"
#include "kubeapi/responses.h"
#include "rbac/authorizer.h"
#include "state/snapshot.h"

namespace kubeiam::kubeapi {

// A create of one of the review resources.
bool IsReview(const RequestInfo& info);

// A review's body as JSON (converted from protobuf); 400 or 415 for what cannot be read.
Step<std::string> ReviewBody(const http::HttpRequest& request);

// What a review is answered from: the request, its JSON body, the caller, one snapshot.
struct ReviewContext {
  const RequestInfo& info;
  const std::string& body;
  const Caller& caller;
  const state::Snapshot& snap;
  const rbac::Authorizer& rbac;
  AuthSource& auth;
};

// The answer (201 with status, or a 400 naming what is wrong); nullopt for a resource that is
// not a review kubeiam answers.
std::optional<http::HttpResponse> AnswerReview(const ReviewContext& c);

}  // namespace kubeiam::kubeapi
