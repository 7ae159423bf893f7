// The closest known word to a typo: one or two edits (a swap counts as one), any case, or a
// prefix; nothing when nothing is close.
#include "util/did_you_mean.h"

#include <gtest/gtest.h>

namespace kubeiam {
namespace {

TEST(DidYouMean, FindsTheClosestKnownWord) {
  std::vector<std::string> keys = {"address", "port", "stateDir", "backendMode", "mapUsers"};
  EXPECT_EQ(DidYouMean("prot", keys), "port") << "a swap";
  EXPECT_EQ(DidYouMean("adress", keys), "address") << "a deletion";
  EXPECT_EQ(DidYouMean("statedir", keys), "stateDir") << "case";
  EXPECT_EQ(DidYouMean("backend", keys), "backendMode") << "a prefix";
  EXPECT_EQ(DidYouMean("mapuser", keys), "mapUsers");
  EXPECT_EQ(DidYouMean("colour", keys), std::nullopt);
  EXPECT_EQ(DidYouMean("", keys), std::nullopt);
  EXPECT_EQ(DidYouMean("x", {"y"}), "y") << "one edit is always close";
  EXPECT_EQ(DidYouMean(std::string(100, 'a'), keys), std::nullopt);
  EXPECT_EQ(DidYouMeanSuffix("prot", keys), " (did you mean port?)");
  EXPECT_EQ(DidYouMeanSuffix("zzzzzz", keys), "");
}

}  // namespace
}  // namespace kubeiam
