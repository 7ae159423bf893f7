#include "util/file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/temp_dir.h"

namespace kubeiam {
namespace {

TEST(CheckPrivateDir, RefusesFoldersOthersCanWrite) {
  testing::TempDir dir;
  std::string path = dir.path() + "/cache";
  ASSERT_TRUE(MakeDirs(path, 0700).has_value());
  EXPECT_TRUE(CheckPrivateDir(path).has_value());
  ::chmod(path.c_str(), 0755);
  EXPECT_TRUE(CheckPrivateDir(path).has_value());  // readable is fine: the files in it are 0600
  ::chmod(path.c_str(), 0777);
  auto refused = CheckPrivateDir(path);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message, path + " is writable by other users (mode 0777); run: chmod 700 " + path);
  ::chmod(path.c_str(), 0770);
  EXPECT_FALSE(CheckPrivateDir(path).has_value());
}

TEST(CheckPrivateDir, RefusesSymlinksAndFiles) {
  testing::TempDir dir;
  ASSERT_TRUE(MakeDirs(dir.path() + "/real", 0700).has_value());
  ASSERT_EQ(::symlink((dir.path() + "/real").c_str(), (dir.path() + "/link").c_str()), 0);
  EXPECT_NE(CheckPrivateDir(dir.path() + "/link").error().message.find("is not a directory"), std::string::npos);
  dir.Write("file", "x");
  EXPECT_FALSE(CheckPrivateDir(dir.path() + "/file").has_value());
  EXPECT_FALSE(CheckPrivateDir(dir.path() + "/missing").has_value());
}

}  // namespace
}  // namespace kubeiam
