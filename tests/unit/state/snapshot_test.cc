// Resolution order by authentication mode (spec/eks-access.md §1.1, §5.2) and access entries as
// a mapping source: suggested tests T4, T7, T14, T21.
#include "state/snapshot.h"

#include <gtest/gtest.h>

#include "identity/access_entry_table.h"
#include "identity/aws_auth.h"

namespace kubeiam::state {
namespace {

using M = eks::AuthenticationMode;
using V = std::vector<std::string>;

TEST(BackendOrder, ByMode) {
  V modes = {"MountedFile", "EKSConfigMap"};
  EXPECT_EQ(BackendOrder(modes, M::kConfigMap), (V{"MountedFile", "EKSConfigMap"}));
  EXPECT_EQ(BackendOrder(modes, M::kApiAndConfigMap), (V{"MountedFile", "AccessEntry", "EKSConfigMap"}));
  EXPECT_EQ(BackendOrder(modes, M::kApi), (V{"MountedFile", "AccessEntry"}));
  EXPECT_EQ(BackendOrder({"MountedFile"}, M::kApi), (V{"MountedFile", "AccessEntry"}));
  EXPECT_EQ(BackendOrder({"AccessEntry", "MountedFile", "EKSConfigMap"}, M::kApiAndConfigMap),
            (V{"AccessEntry", "MountedFile", "EKSConfigMap"}));
  EXPECT_EQ(BackendOrder({"AccessEntry", "EKSConfigMap"}, M::kConfigMap), (V{"EKSConfigMap"}));
}

class ModeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cm = identity::ParseAwsAuthConfigMap(R"(apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/P
      username: from-aws-auth
      groups: [g1]
)");
    ASSERT_TRUE(cm);
    sources_.aws_auth = std::make_shared<const identity::MappingTable>(identity::BuildConfigMapTable(*cm));
    auto entries = eks::ParseAccessEntries(R"([
      {"principalArn": "arn:aws:iam::111122223333:role/P", "username": "from-entry", "kubernetesGroups": ["g2"],
       "associatedAccessPolicies": [{"policyArn": "AmazonEKSViewPolicy", "accessScope": {"type": "cluster"}}]},
      {"principalArn": "arn:aws:iam::111122223333:role/a/b/dev", "principalId": "AROADEV"}])",
                                           "entries.json");
    ASSERT_TRUE(entries) << entries.error().message;
    entries_ = std::make_shared<const eks::AccessEntries>(std::move(*entries));
    sources_.access_entries = std::make_shared<const identity::MappingTable>(identity::BuildAccessEntryTable(*entries_));
  }

  Result<identity::UserInfo> MapIn(M mode, const identity::Identity& id, Snapshot* out = nullptr) {
    Snapshot snap;
    snap.authentication_mode = mode;
    snap.access_entries = entries_;
    snap.chain = BuildChain({"EKSConfigMap"}, mode, sources_, nullptr);
    if (out) *out = snap;
    return identity::MapIdentity(snap.chain, id, nullptr);
  }

  static identity::Identity Caller(std::string role, std::string session, std::string role_id = "AROAP") {
    auto id = identity::BuildIdentity("arn:aws:sts::111122223333:assumed-role/" + role + "/" + session, "111122223333",
                                      role_id + ":" + session, "ASIAKEY", "sts.amazonaws.com");
    return *id;
  }

  MappingSources sources_;
  std::shared_ptr<const eks::AccessEntries> entries_;
};

TEST_F(ModeTest, EntryWinsOverAwsAuthPerMode) {  // T4
  auto id = Caller("P", "s");
  EXPECT_EQ(MapIn(M::kConfigMap, id)->groups, V{"g1"});
  Snapshot snap;
  auto both = MapIn(M::kApiAndConfigMap, id, &snap);
  ASSERT_TRUE(both);
  EXPECT_EQ(both->username, "from-entry");
  EXPECT_EQ(both->groups, V{"g2"});
  EXPECT_EQ(both->backend, "AccessEntry");
  const auto* policies = snap.PoliciesFor(*both);
  ASSERT_NE(policies, nullptr);
  EXPECT_EQ(policies->size(), 1u);
  EXPECT_EQ(MapIn(M::kApi, id)->groups, V{"g2"});
  // Under CONFIG_MAP the row from aws-auth has no policies.
  Snapshot cm;
  auto legacy = MapIn(M::kConfigMap, id, &cm);
  EXPECT_EQ(cm.PoliciesFor(*legacy), nullptr);
}

TEST_F(ModeTest, RoleWithPathMatchesAndRendersSessionName) {  // T7
  auto user = MapIn(M::kApi, Caller("dev", "alice@x.com", "AROADEV"));
  ASSERT_TRUE(user) << user.error().message;
  EXPECT_EQ(user->username, "arn:aws:sts::111122223333:assumed-role/dev/alice-x.com");
}

TEST_F(ModeTest, RecreatedPrincipalDoesNotInheritTheEntry) {  // T14
  auto user = MapIn(M::kApi, Caller("dev", "alice", "AROANEWROLE"));
  ASSERT_FALSE(user);
  EXPECT_EQ(user.error().message, "identity is not mapped");
}

}  // namespace
}  // namespace kubeiam::state
