// TokenReview request bodies (the webhook's reading and the API front's), then validation of
// whatever token they carry.
#include <cstddef>
#include <cstdint>
#include <string>

#include <boost/json/parse.hpp>

#include "kubeapi/review_body.h"
#include "kubeapi/token_review.h"
#include "token/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  kubeiam::token::ValidatorConfig config;
  config.cluster_id = "c";
  auto now = kubeiam::TimePoint(std::chrono::seconds(1700000000));
  if (auto r = kubeiam::kubeapi::ParseTokenReview(input)) (void)kubeiam::token::Validate(r->token, config, now);
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(input, ec);
  if (!ec && doc.is_object()) {
    kubeiam::kubeapi::ReviewType type{"authentication.k8s.io", "v1", "TokenReview"};
    (void)kubeiam::kubeapi::TokenReviewToken(doc.as_object(), type);
    (void)kubeiam::kubeapi::CheckSelfReviewSpec(doc.as_object(), {"authorization.k8s.io", "v1", "SelfSubjectAccessReview"});
  }
  (void)kubeiam::token::Validate(input, config, now);
  (void)kubeiam::token::Validate("k8s-aws-v1." + input, config, now);
  return 0;
}
