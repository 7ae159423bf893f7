// The Kubernetes API front without the binary: a fake Verifier and sources from files in a
// folder. Authentication (no token, a bad one, an unmapped principal: 401; throttled STS: 429),
// authorization with the API server's 403 text, impersonation checked, the objects folder served,
// and SelfSubjectReview answering who the caller is.
#include "kubeapi/front.h"
#include "server/authenticator.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "support/fake_verifier.h"
#include "support/temp_dir.h"

namespace kubeiam::kubeapi {
namespace {

class FrontPipeline : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("rbac/roles.yaml", R"(apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-viewer, namespace: default}
rules: [{apiGroups: [""], resources: [pods], verbs: [get, list, watch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: pod-viewer, namespace: default}
subjects: [{kind: Group, name: pod-viewer, apiGroup: rbac.authorization.k8s.io}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-viewer}
)");
    dir_.Write("objects/pod.yaml", R"(apiVersion: v1
kind: Pod
metadata: {name: nginx, namespace: default}
spec: {containers: [{name: nginx, image: nginx}]}
)");
    config::Config c;
    c.cluster_id = "demo";
    c.map_users = {{"arn:aws:iam::111122223333:user/alice", "alice", {"pod-viewer"}, ""}};
    c.authorization_rbac = dir_.path() + "/rbac";
    verifier_ = std::make_shared<testing::FakeVerifier>();
    auto a = server::Authenticator::Create(c, nullptr, nullptr, verifier_);
    ASSERT_TRUE(a) << a.error().message;
    auth_ = std::move(*a);
    front_ = std::make_unique<Front>(auth_.get(), FrontOptions{dir_.path() + "/objects"});
  }
  http::HttpResponse Call(const std::string& method, const std::string& target, const std::string& token,
                    http::Headers extra = {}, const std::string& body = "") {
    http::Headers h = std::move(extra);
    if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
    return front_->Handle({method, target, h, body, "127.0.0.1:1"});
  }
  static std::string Message(const http::HttpResponse& r) {
    auto v = boost::json::parse(r.body);
    return std::string(v.as_object().at("message").as_string());
  }

  testing::TempDir dir_;
  std::shared_ptr<testing::FakeVerifier> verifier_;
  std::unique_ptr<server::Authenticator> auth_;
  std::unique_ptr<Front> front_;
  const std::string alice_ = "token-for:arn:aws:iam::111122223333:user/alice";
};

TEST_F(FrontPipeline, AuthenticatesEveryRequest) {
  EXPECT_EQ(Call("GET", "/api/v1/namespaces/default/pods", "").status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/namespaces/default/pods", "garbage").status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/namespaces/default/pods", "token-for:arn:aws:iam::111122223333:user/bob").status, 401)
      << "verified but not mapped";
  auto throttled = Call("GET", "/api/v1/namespaces/default/pods", "throttled");
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(verifier_->calls.load(), 3);
}

TEST_F(FrontPipeline, AuthorizesWithTheApiServersWords) {
  auto list = Call("GET", "/api/v1/namespaces/default/pods", alice_);
  EXPECT_EQ(list.status, 200) << list.body;
  EXPECT_NE(list.body.find("nginx"), std::string::npos) << list.body;
  auto del = Call("DELETE", "/api/v1/namespaces/default/pods/nginx", alice_);
  EXPECT_EQ(del.status, 403);
  EXPECT_EQ(Message(del), "pods \"nginx\" is forbidden: User \"alice\" cannot delete resource \"pods\" in API group \"\" "
                          "in the namespace \"default\"");
  auto nodes = Call("GET", "/api/v1/nodes", alice_);
  EXPECT_EQ(nodes.status, 403);
  EXPECT_EQ(Message(nodes), "nodes is forbidden: User \"alice\" cannot list resource \"nodes\" in API group \"\" at the "
                            "cluster scope");
}

TEST_F(FrontPipeline, ImpersonationNeedsTheImpersonateVerb) {
  auto r = Call("GET", "/api/v1/namespaces/default/pods", alice_, {{"Impersonate-User", "admin"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(Message(r).find("cannot impersonate resource \"users\""), std::string::npos) << Message(r);
}

TEST_F(FrontPipeline, SelfSubjectReviewNamesTheCaller) {
  auto r = Call("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", alice_, {{"Content-Type", "application/json"}},
                R"({"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto user = boost::json::parse(r.body).at("status").at("userInfo");
  EXPECT_EQ(user.at("username").as_string(), "alice");
  EXPECT_NE(r.body.find("pod-viewer"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("system:authenticated"), std::string::npos) << r.body;
}

TEST_F(FrontPipeline, HealthAnswersWithoutAToken) {
  auto ready = Call("GET", "/readyz", "");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, "ok");
  EXPECT_EQ(ready.content_type, "text/plain; charset=utf-8");
  auto verbose = Call("GET", "/readyz?verbose&exclude=log&exclude=nope", "");
  EXPECT_EQ(verbose.body, "[+]ping ok\n[+]log excluded: ok\n[+]snapshot ok\n[+]shutdown ok\n"
                          "warn: some health checks cannot be excluded: no matches for \"nope\"\nreadyz check passed\n");
  EXPECT_EQ(Call("GET", "/livez", "").body, "ok");
  // Everything else still needs a token; per-check paths need system:monitoring.
  EXPECT_EQ(Call("GET", "/api", "").status, 401);
  EXPECT_EQ(Call("GET", "/readyz/ping", "").status, 401);
  auto check = Call("GET", "/readyz/ping", alice_);
  EXPECT_EQ(check.status, 403);
  EXPECT_EQ(Message(check), "forbidden: User \"alice\" cannot get path \"/readyz/ping\"");
}

}  // namespace
}  // namespace kubeiam::kubeapi
