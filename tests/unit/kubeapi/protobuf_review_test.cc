#include "kubeapi/protobuf_review.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace kubeiam::kubeapi {
namespace {

// A length-delimited protobuf field, as the API server's encoder writes it.
std::string F(int number, const std::string& bytes) {
  std::string out(1, char(number << 3 | 2));
  size_t n = bytes.size();
  do {
    out += char((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>= 7;
  } while (n);
  return out + bytes;
}

std::string Envelope(const std::string& kind, const std::string& raw, const std::string& group = "authorization.k8s.io") {
  return std::string("k8s\0", 4) + F(1, F(1, group + "/v1") + F(2, kind)) + F(2, raw) + F(3, "") + F(4, "");
}

TEST(ProtobufReview, SelfSubjectAccessReviewAsKubectlSendsIt) {
  std::string attrs = F(1, "default") + F(2, "get") + F(3, "") + F(4, "") + F(5, "pods") + F(6, "") + F(7, "") +
                      F(8, F(1, "metadata.name=nginx"));
  std::string raw = F(1, "") + F(2, F(1, attrs)) + F(3, "");
  auto json = ReviewJsonFromProtobuf(Envelope("SelfSubjectAccessReview", raw));
  ASSERT_TRUE(json.has_value()) << json.error().message;
  EXPECT_EQ(boost::json::parse(*json), boost::json::parse(R"({"kind":"SelfSubjectAccessReview",
      "apiVersion":"authorization.k8s.io/v1","metadata":{},"spec":{"resourceAttributes":{"namespace":"default",
      "verb":"get","group":"","version":"","resource":"pods","subresource":"","name":"",
      "fieldSelector":{"rawSelector":"metadata.name=nginx"}}}})"));
}

TEST(ProtobufReview, SubjectAccessReviewWithItsSubject) {
  std::string extra = F(1, "arn") + F(2, F(1, "arn:aws:iam::1:user/a") + F(1, "second"));
  std::string spec = F(2, F(1, "/healthz") + F(2, "get")) + F(3, "alice") + F(4, "dev") + F(4, "ops") + F(5, extra) +
                     F(6, "uid-1") + std::string("\x38\x01", 2);  // a varint field kubeiam does not read
  auto json = ReviewJsonFromProtobuf(Envelope("SubjectAccessReview", F(1, F(1, "r") + F(3, "ns")) + F(2, spec)));
  ASSERT_TRUE(json.has_value()) << json.error().message;
  EXPECT_EQ(boost::json::parse(*json), boost::json::parse(R"({"kind":"SubjectAccessReview",
      "apiVersion":"authorization.k8s.io/v1","metadata":{"name":"r","namespace":"ns"},"spec":{
      "nonResourceAttributes":{"path":"/healthz","verb":"get"},"user":"alice","groups":["dev","ops"],
      "extra":{"arn":["arn:aws:iam::1:user/a","second"]},"uid":"uid-1"}})"));
}

TEST(ProtobufReview, RulesTokenAndSelfReviews) {
  auto rules = ReviewJsonFromProtobuf(Envelope("SelfSubjectRulesReview", F(2, F(1, "default"))));
  ASSERT_TRUE(rules.has_value());
  EXPECT_EQ(boost::json::parse(*rules).at("spec"), boost::json::parse(R"({"namespace":"default"})"));
  auto token = ReviewJsonFromProtobuf(Envelope("TokenReview", F(2, F(1, "k8s-aws-v1.x") + F(2, "a") + F(2, "b")),
                                               "authentication.k8s.io"));
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(boost::json::parse(*token).at("spec"), boost::json::parse(R"({"token":"k8s-aws-v1.x","audiences":["a","b"]})"));
  auto self = ReviewJsonFromProtobuf(Envelope("SelfSubjectReview", "", "authentication.k8s.io"));
  ASSERT_TRUE(self.has_value());
  EXPECT_EQ(boost::json::parse(*self).at("spec"), boost::json::object());
}

TEST(ProtobufReview, MalformedBodiesAreRefused) {
  struct Case {
    std::string body, message;
  };
  std::string k8s("k8s\0", 4);
  for (const auto& c : std::vector<Case>{
           {"{\"kind\":\"SelfSubjectAccessReview\"}", "protobuf body does not start with the Kubernetes magic number"},
           {k8s + "\x0a\x05" "ab", "protobuf body is truncated"},
           {k8s + "\x08", "protobuf body is truncated"},
           {k8s + std::string(11, '\xff'), "protobuf varint is too long"},
           {k8s + "\x0b", "protobuf body has an unsupported wire type"},
           {Envelope("Pod", ""), "protobuf body holds a Pod, not a review"},
           {k8s, "protobuf body holds a nameless kind, not a review"},
           {Envelope("SubjectAccessReview", F(2, "\x0a\x7f")), "protobuf body is truncated"},
       }) {
    auto r = ReviewJsonFromProtobuf(c.body);
    ASSERT_FALSE(r.has_value()) << c.message;
    EXPECT_EQ(r.error().message, c.message);
  }
}

}  // namespace
}  // namespace kubeiam::kubeapi
