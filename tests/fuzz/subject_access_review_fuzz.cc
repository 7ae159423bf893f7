// SubjectAccessReview bodies (POST /authorize), then the access policies applied to them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "eks/access_policies.h"
#include "kubeapi/subject_access_review.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  auto review = kubeiam::kubeapi::ParseSubjectAccessReview(input);
  if (review) {
    std::vector<kubeiam::eks::AssociatedPolicy> policies = {{"AmazonEKSAdminPolicy", {"namespace", {"dev-*", "*"}}}};
    auto d = kubeiam::eks::AuthorizeWithPolicies(policies, review->attributes);
    (void)kubeiam::kubeapi::SubjectAccessReviewStatus(review->api_version, d.allowed, d.reason);
  }
  return 0;
}
