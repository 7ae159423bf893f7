#include "util/strings.h"

#include <gtest/gtest.h>

namespace kubeiam {
namespace {

TEST(Strings, JoinAndSplitAreInverses) {
  EXPECT_EQ(Join({"a", "", "b"}, ", "), "a, , b");
  EXPECT_EQ(Join({}, ","), "");
  EXPECT_EQ(Join({"one"}, "\n"), "one");
  auto parts = Split("a,,b", ',');
  EXPECT_EQ(Join(std::vector<std::string>(parts.begin(), parts.end()), ","), "a,,b");
}

}  // namespace
}  // namespace kubeiam
