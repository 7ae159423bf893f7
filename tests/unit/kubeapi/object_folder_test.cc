#include "kubeapi/object_folder.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace kubeiam::kubeapi {
namespace {

std::string Pod(const std::string& name, const std::string& image) {
  return "apiVersion: v1\nkind: Pod\nmetadata: {name: " + name + ", namespace: default}\nspec: {containers: [{name: c, image: " +
         image + "}]}\n---\n";
}

TEST(Objects, ChangesSinceAnEarlierLoad) {
  testing::TempDir dir;
  dir.Write("pods.yaml", Pod("a", "nginx") + Pod("b", "nginx") + Pod("c", "nginx"));
  auto before = Objects::Load(dir.path());
  ASSERT_TRUE(before.has_value()) << before.error().message;
  dir.Write("pods.yaml", Pod("a", "nginx") + Pod("b", "redis") + Pod("d", "nginx"));
  auto after = Objects::Load(dir.path());
  ASSERT_TRUE(after.has_value());
  auto changes = after->ChangesSince(&*before, "", "pods", "default", "");
  std::vector<std::pair<std::string, std::string>> seen;
  for (const auto& c : changes) seen.emplace_back(c.type, std::string(c.object->at("metadata").at("name").as_string()));
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, std::string>>{{"MODIFIED", "b"}, {"ADDED", "d"}, {"DELETED", "c"}}));
  // From nothing: everything is new; a name narrows the view; another namespace sees nothing.
  EXPECT_EQ(after->ChangesSince(nullptr, "", "pods", "", "").size(), 3u);
  EXPECT_EQ(after->ChangesSince(&*before, "", "pods", "default", "c").size(), 1u);
  EXPECT_TRUE(after->ChangesSince(&*before, "", "pods", "kube-system", "").empty());
  EXPECT_TRUE(after->ChangesSince(&*after, "", "pods", "", "").empty());
}

TEST(Objects, AFolderThatIsNotThereIsEmptyOneThatCannotBeReadIsAnError) {
  testing::TempDir dir;
  auto missing = Objects::Load(dir.path() + "/not-yet");
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->size(), 0u);
  auto file = Objects::Load(dir.Write("pods.yaml", Pod("a", "nginx")));
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().message, dir.path() + "/pods.yaml: not a readable folder");
}

}  // namespace
}  // namespace kubeiam::kubeapi
