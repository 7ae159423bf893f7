#include "kubeapi/review_body.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace kubeiam::kubeapi {
namespace {

boost::json::object Doc(std::string_view text) { return boost::json::parse(text).as_object(); }

const ReviewType kTokenReview{"authentication.k8s.io", "v1", "TokenReview"};
const ReviewType kSelfAccess{"authorization.k8s.io", "v1", "SelfSubjectAccessReview"};

TEST(ReviewBody, TokenRequired) {
  for (auto body : {R"({})", R"({"spec":null})", R"({"spec":{}})", R"({"spec":{"token":null}})",
                    R"({"spec":{"token":""}})"}) {
    auto t = TokenReviewToken(Doc(body), kTokenReview);
    ASSERT_FALSE(t.has_value()) << body;
    EXPECT_EQ(t.error().message, "token is required for TokenReview in authentication") << body;
  }
  EXPECT_EQ(*TokenReviewToken(Doc(R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"t"}})"),
                              kTokenReview),
            "t");
}

TEST(ReviewBody, KindAndVersionMismatch) {
  EXPECT_EQ(TokenReviewToken(Doc(R"({"kind":"Pod"})"), kTokenReview).error().message,
            "Pod in version \"v1\" cannot be handled as a TokenReview: no kind \"Pod\" is registered for version "
            "\"authentication.k8s.io/v1\" in scheme \"pkg/api/legacyscheme/scheme.go:30\"");
  EXPECT_EQ(TokenReviewToken(Doc(R"({"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{}})"),
                             kTokenReview)
                .error()
                .message,
            "the API version in the data (authorization.k8s.io/v1) does not match the expected API version "
            "(authentication.k8s.io/v1)");
  EXPECT_EQ(CheckReviewKind(Doc(R"({"apiVersion":"v1"})"), kTokenReview).error().message,
            "the API version in the data (v1) does not match the expected API version (authentication.k8s.io/v1)");
}

TEST(ReviewBody, TypeErrorsAsGoWordsThem) {
  EXPECT_EQ(TokenReviewToken(Doc(R"({"spec":{"token":123}})"), kTokenReview).error().message,
            "TokenReview in version \"v1\" cannot be handled as a TokenReview: json: cannot unmarshal number into Go "
            "struct field TokenReviewSpec.spec.token of type string");
  EXPECT_FALSE(TokenReviewToken(Doc(R"({"spec":"x"})"), kTokenReview).has_value());
  EXPECT_FALSE(CheckReviewKind(Doc(R"({"kind":7})"), kTokenReview).has_value());
}

TEST(ReviewBody, SelfReviewsAskAboutTheCallerOnly) {
  EXPECT_TRUE(CheckSelfReviewSpec(Doc(R"({"spec":{"resourceAttributes":{"verb":"get"}}})"), kSelfAccess).has_value());
  EXPECT_EQ(CheckSelfReviewSpec(Doc(R"({"spec":{"user":123}})"), kSelfAccess).error().message,
            "SelfSubjectAccessReview in version \"v1\" cannot be handled as a SelfSubjectAccessReview: strict decoding "
            "error: unknown field \"spec.user\"");
  EXPECT_FALSE(CheckSelfReviewSpec(Doc(R"({"spec":{"groups":["system:masters"]}})"), kSelfAccess).has_value());
}

}  // namespace
}  // namespace kubeiam::kubeapi
