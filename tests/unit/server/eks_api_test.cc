// The EKS access API without the binary: a fake Verifier for bearer tokens and the SQLite store
// in a folder. A cluster administrator (system:masters in the config) writes; anyone else gets
// AccessDeniedException; a bad token UnrecognizedClientException; STS throttling a
// ThrottlingException awscli retries. A write is in the snapshot the next request reads.
#include "server/eks_api.h"

#include <gtest/gtest.h>

#include "server/startup.h"
#include "support/fake_verifier.h"
#include "support/temp_dir.h"

namespace kubeiam::server {
namespace {

class EksApiUnit : public ::testing::Test {
 protected:
  void SetUp() override {
    config::Config c;
    c.cluster_id = "demo";
    c.state_dir = dir_.path();
    c.access_entries_store = dir_.path() + "/access.db";
    c.authentication_mode = eks::AuthenticationMode::kApiAndConfigMap;
    c.map_users = {{"arn:aws:iam::111122223333:user/admin", "admin", {"system:masters"}, ""}};
    auto store = OpenStore(c);
    ASSERT_TRUE(store) << store.error().message;
    auto a = Authenticator::Create(c, nullptr, *store, verifier_);
    ASSERT_TRUE(a) << a.error().message;
    auth_ = std::move(*a);
    api_ = std::make_unique<EksApi>(*store, nullptr, auth_.get());
  }
  http::HttpResponse Create(const std::string& token, const std::string& principal) {
    return api_->Handle({"POST", "/clusters/demo/access-entries", {{"Authorization", "Bearer " + token}},
                         R"({"principalArn":")" + principal + R"(","kubernetesGroups":["devs"]})", "127.0.0.1:1"});
  }

  static std::string ErrorType(const http::HttpResponse& r) {
    for (const auto& [k, v] : r.headers) {
      if (k == "x-amzn-ErrorType") return v;
    }
    return "";
  }

  testing::TempDir dir_;
  std::shared_ptr<testing::FakeVerifier> verifier_ = std::make_shared<testing::FakeVerifier>();
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<EksApi> api_;
};

TEST_F(EksApiUnit, AdministratorsWriteAndTheNextRequestSeesIt) {
  const std::string dev = "arn:aws:iam::111122223333:user/dev";
  auto created = Create("token-for:arn:aws:iam::111122223333:user/admin", dev);
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_NE(created.body.find("\"principalArn\":\"" + dev + "\""), std::string::npos) << created.body;
  auto user = auth_->Map(*identity::IdentityFromArn(dev));
  ASSERT_TRUE(user) << "mapped by the new entry at once: " << user.error().message;
  EXPECT_EQ(user->backend, "AccessEntry");
}

TEST_F(EksApiUnit, OthersAreRefusedWithEksErrors) {
  auto denied = Create("token-for:arn:aws:iam::111122223333:user/dev", "arn:aws:iam::111122223333:user/x");
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(ErrorType(denied), "AccessDeniedException") << denied.body;
  auto bad = Create("garbage", "arn:aws:iam::111122223333:user/x");
  EXPECT_EQ(bad.status, 403);
  EXPECT_EQ(ErrorType(bad), "UnrecognizedClientException") << bad.body;
  auto throttled = Create("throttled", "arn:aws:iam::111122223333:user/x");
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(ErrorType(throttled), "ThrottlingException") << throttled.body;
}

TEST_F(EksApiUnit, ABodyThatDoesNotParseSaysWhere) {
  auto r = api_->Handle({"POST", "/clusters/demo/access-entries",
                         {{"Authorization", "Bearer token-for:arn:aws:iam::111122223333:user/admin"}},
                         "{\"principalArn\": \"arn:aws:iam::111122223333:user/dev\",\n \"kubernetesGroups\": [devs]}",
                         "127.0.0.1:1"});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ErrorType(r), "SerializationException") << r.body;
  EXPECT_NE(r.body.find("at line 2, column 23"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace kubeiam::server
