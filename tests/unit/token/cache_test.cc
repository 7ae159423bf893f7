#include "token/cache.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace kubeiam::token {
namespace {

using testing::TempDir;

CacheKey Key(const std::string& cluster) { return CacheKey{cluster, "default", "", "us-east-1", "", "", "", "", ""}; }

TEST(TokenCache, StoresPrivateFilesAndReadsThemBack) {
  TempDir dir;
  TokenCache cache(dir.path() + "/kubeiam", Key("a"));
  TimePoint exp = TimePoint(std::chrono::seconds(4102444800));
  aws::Credentials creds{"ASIA1", "s", "t", exp, "sts"};
  ASSERT_TRUE(cache.Store({"k8s-aws-v1.abc", exp, creds}).has_value());
  struct stat st;
  ASSERT_EQ(stat(cache.path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat((dir.path() + "/kubeiam").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  auto e = cache.Load();
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->token, "k8s-aws-v1.abc");
  EXPECT_EQ(e->token_expiration, exp);
  ASSERT_TRUE(e->credentials.has_value());
  EXPECT_EQ(e->credentials->session_token, "t");
}

TEST(TokenCache, NeverSharedAcrossClusters) {
  TempDir dir;
  TimePoint exp = TimePoint(std::chrono::seconds(4102444800));
  TokenCache a(dir.path(), Key("a")), b(dir.path(), Key("b"));
  ASSERT_TRUE(a.Store({"token-a", exp, std::nullopt}).has_value());
  EXPECT_NE(a.path(), b.path());
  EXPECT_FALSE(b.Load().has_value());
}

TEST(TokenCache, RefusesFilesOthersCanRead) {
  TempDir dir;
  TokenCache cache(dir.path(), Key("a"));
  TimePoint exp = TimePoint(std::chrono::seconds(4102444800));
  ASSERT_TRUE(cache.Store({"t", exp, std::nullopt}).has_value());
  chmod(cache.path().c_str(), 0644);
  EXPECT_FALSE(cache.Load().has_value());
}

TEST(TokenCache, IgnoresGarbageAndLongTermKeys) {
  TempDir dir;
  TokenCache cache(dir.path(), Key("a"));
  dir.Write(cache.path().substr(dir.path().size() + 1), "{not json", 0600);
  EXPECT_FALSE(cache.Load().has_value());
  TimePoint exp = TimePoint(std::chrono::seconds(4102444800));
  ASSERT_TRUE(cache.Store({"t", exp, aws::Credentials{"AKIA", "long-term", "", std::nullopt, "file"}}).has_value());
  auto e = cache.Load();
  ASSERT_TRUE(e.has_value());
  EXPECT_FALSE(e->credentials.has_value());
}

}  // namespace
}  // namespace kubeiam::token
