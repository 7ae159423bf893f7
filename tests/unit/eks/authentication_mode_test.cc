// spec/eks-access.md §1.3 and its suggested test T2.
#include "eks/authentication_mode.h"

#include <gtest/gtest.h>

namespace kubeiam::eks {
namespace {

using M = AuthenticationMode;

TEST(AuthenticationMode, ParsesExactlyTheThreeValues) {
  EXPECT_EQ(ParseAuthenticationMode("API"), M::kApi);
  EXPECT_EQ(ParseAuthenticationMode("API_AND_CONFIG_MAP"), M::kApiAndConfigMap);
  EXPECT_EQ(ParseAuthenticationMode("CONFIG_MAP"), M::kConfigMap);
  auto bad = ParseAuthenticationMode("api");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "authenticationMode: api is not one of [API, API_AND_CONFIG_MAP, CONFIG_MAP]");
  for (M m : {M::kApi, M::kApiAndConfigMap, M::kConfigMap}) EXPECT_EQ(ParseAuthenticationMode(ToString(m)), m);
}

TEST(AuthenticationMode, TransitionsAreOneWay) {  // T2
  EXPECT_TRUE(CheckTransition(M::kConfigMap, M::kApiAndConfigMap));
  EXPECT_TRUE(CheckTransition(M::kApiAndConfigMap, M::kApi));
  EXPECT_TRUE(CheckTransition(M::kApi, M::kApi));
  EXPECT_FALSE(CheckTransition(M::kApiAndConfigMap, M::kConfigMap));
  EXPECT_FALSE(CheckTransition(M::kApi, M::kApiAndConfigMap));
  EXPECT_FALSE(CheckTransition(M::kApi, M::kConfigMap));
  auto jump = CheckTransition(M::kConfigMap, M::kApi);
  ASSERT_FALSE(jump);
  EXPECT_NE(jump.error().message.find("update to API_AND_CONFIG_MAP first"), std::string::npos);
}

TEST(AuthenticationMode, SourcesPerMode) {
  EXPECT_FALSE(UsesAccessEntries(M::kConfigMap));
  EXPECT_TRUE(UsesConfigMap(M::kConfigMap));
  EXPECT_TRUE(UsesAccessEntries(M::kApiAndConfigMap));
  EXPECT_TRUE(UsesConfigMap(M::kApiAndConfigMap));
  EXPECT_TRUE(UsesAccessEntries(M::kApi));
  EXPECT_FALSE(UsesConfigMap(M::kApi));
}

}  // namespace
}  // namespace kubeiam::eks
