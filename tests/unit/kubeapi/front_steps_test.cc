// Each step of the Kubernetes front alone, over a fixed snapshot and a fake AuthSource:
// authentication (401, 429, the uid and extra the API server records, scrubbed accounts),
// impersonation (checked with the impersonate verb; the new identity has no policies) and
// authorization (the API server's 403 with its details; exec over GET also needs create).
#include "kubeapi/front_steps.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "rbac/loader.h"
#include "support/fake_auth_source.h"

namespace kubeiam::kubeapi {
namespace {

constexpr char kAlice[] = "arn:aws:iam::111122223333:user/alice";
constexpr char kAdmin[] = "arn:aws:iam::111122223333:user/admin";

std::shared_ptr<const rbac::Authorizer> Rbac() {
  auto objects = rbac::ParseManifests(R"(apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-runner}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get, list]}
- {apiGroups: [""], resources: [pods/exec], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: pod-runner}
subjects: [{kind: Group, name: runners, apiGroup: rbac.authorization.k8s.io}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-runner}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: impersonator}
rules: [{apiGroups: [""], resources: [users, groups], verbs: [impersonate]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: impersonator}
subjects: [{kind: User, name: admin, apiGroup: rbac.authorization.k8s.io}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: impersonator}
)",
                                      "rbac.yaml");
  EXPECT_TRUE(objects) << objects.error().message;
  return std::make_shared<const rbac::Authorizer>(objects->roles, objects->cluster_roles, objects->role_bindings,
                                                  objects->cluster_role_bindings);
}

class FrontSteps : public ::testing::Test {
 protected:
  FrontSteps() : snap_(MakeSnapshot()), auth_(snap_) {
    auth_.users[kAlice] = {"alice", {"runners"}, "MountedFile", false, kAlice};
    auth_.users[kAdmin] = {"admin", {}, "MountedFile", false, kAdmin};
  }
  static std::shared_ptr<const state::Snapshot> MakeSnapshot() {
    auto s = std::make_shared<state::Snapshot>();
    s->rbac = Rbac();
    s->scrubbed_accounts = {"444455556666"};
    return s;
  }
  static http::HttpRequest Get(const std::string& target, const std::string& token, http::Headers extra = {}) {
    if (!token.empty()) extra.emplace_back("Authorization", "Bearer " + token);
    return {"GET", target, std::move(extra), "", "127.0.0.1:1"};
  }
  static std::string Message(const http::HttpResponse& r) {
    return std::string(boost::json::parse(r.body).as_object().at("message").as_string());
  }
  Step<Caller> As(const std::string& arn) { return Authenticate(auth_, Get("/api", "token-for:" + arn), *snap_); }

  std::shared_ptr<const state::Snapshot> snap_;
  testing::FakeAuthSource auth_;
};

TEST_F(FrontSteps, AuthenticateAnswers401Or429) {
  EXPECT_EQ(Authenticate(auth_, Get("/api", ""), *snap_).error().status, 401);
  EXPECT_EQ(Authenticate(auth_, Get("/api", "garbage"), *snap_).error().status, 401);
  EXPECT_EQ(As("arn:aws:iam::111122223333:user/nobody").error().status, 401) << "verified but not mapped";
  auto busy = Authenticate(auth_, Get("/api", "throttled"), *snap_);
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().status, 429);
  EXPECT_EQ(Message(busy.error()), "Too many requests, please try again later.");
}

TEST_F(FrontSteps, AuthenticateGivesWhatTheApiServerRecords) {
  auto alice = As(kAlice);
  ASSERT_TRUE(alice) << alice.error().body;
  EXPECT_EQ(alice->user.name, "alice");
  EXPECT_EQ(alice->user.groups, (std::vector<std::string>{"runners", "system:authenticated"}));
  EXPECT_TRUE(alice->uid.starts_with("aws-iam-authenticator:111122223333:")) << alice->uid;
  EXPECT_EQ(alice->extra.at("arn"), std::vector<std::string>{kAlice});
  EXPECT_EQ(alice->policies, nullptr) << "not mapped by an access entry";
  // A scrubbed account's principals carry no extra.
  std::string hidden = "arn:aws:iam::444455556666:user/ops";
  auth_.users[hidden] = {"ops", {}, "MountedFile", false, hidden};
  auto ops = As(hidden);
  ASSERT_TRUE(ops);
  EXPECT_TRUE(ops->extra.empty());
  EXPECT_EQ(ops->uid, "aws-iam-authenticator:administrative:ops");
}

TEST_F(FrontSteps, ImpersonateNeedsTheVerb) {
  auto alice = As(kAlice);
  ASSERT_TRUE(alice);
  auto same = Impersonate(Get("/api", ""), *snap_->rbac, *alice, true);
  ASSERT_TRUE(same);
  EXPECT_EQ(same->user.name, "alice");
  auto refused = Impersonate(Get("/api", "", {{"Impersonate-User", "admin"}}), *snap_->rbac, *alice, true);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, 403);
  EXPECT_EQ(Message(refused.error()),
            "users \"admin\" is forbidden: User \"alice\" cannot impersonate resource \"users\" in API group \"\" at the "
            "cluster scope");
  auto admin = As(kAdmin);
  ASSERT_TRUE(admin);
  auto as_bob = Impersonate(Get("/api", "", {{"Impersonate-User", "bob"}, {"Impersonate-Group", "runners"}}), *snap_->rbac,
                            *admin, true);
  ASSERT_TRUE(as_bob) << as_bob.error().body;
  EXPECT_EQ(as_bob->user.name, "bob");
  EXPECT_EQ(as_bob->user.groups, (std::vector<std::string>{"runners", "system:authenticated"}));
  EXPECT_EQ(as_bob->policies, nullptr);
}

TEST_F(FrontSteps, AuthorizeWithTheApiServersDetails) {
  auto alice = As(kAlice);
  ASSERT_TRUE(alice);
  auto list = ParseRequestInfo("GET", "/api/v1/namespaces/default/pods");
  ASSERT_TRUE(list);
  EXPECT_FALSE(Authorize(*snap_->rbac, *list, *alice).has_value());
  auto del = ParseRequestInfo("DELETE", "/api/v1/namespaces/default/pods/nginx");
  ASSERT_TRUE(del);
  auto denied = Authorize(*snap_->rbac, *del, *alice);
  ASSERT_TRUE(denied.has_value());
  EXPECT_EQ(denied->status, 403);
  auto body = boost::json::parse(denied->body).as_object();
  EXPECT_EQ(body.at("details"), boost::json::parse(R"({"name":"nginx","group":"","kind":"pods"})"));
  // exec over GET (WebSocket) also needs create, as the API server asks.
  auto exec = ParseRequestInfo("GET", "/api/v1/namespaces/default/pods/nginx/exec?command=sh");
  ASSERT_TRUE(exec);
  auto exec_denied = Authorize(*snap_->rbac, *exec, *alice);
  ASSERT_TRUE(exec_denied.has_value());
  EXPECT_NE(Message(*exec_denied).find("cannot create resource \"pods/exec\""), std::string::npos) << Message(*exec_denied);
}

}  // namespace
}  // namespace kubeiam::kubeapi
