#include "kubeapi/object_selector.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace kubeiam::kubeapi {
namespace {

boost::json::object Pod(std::string_view name, std::string_view labels, std::string_view node) {
  return boost::json::parse(R"({"metadata":{"name":")" + std::string(name) + R"(","namespace":"default","labels":)" +
                            std::string(labels) + R"(},"spec":{"nodeName":")" + std::string(node) + R"(","hostNetwork":true}})")
      .as_object();
}

TEST(ObjectSelector, LabelsAndFieldsTogether) {
  auto web = Pod("web", R"({"app":"web","tier":"front"})", "n1");
  auto db = Pod("db", R"({"app":"db"})", "n2");
  auto s = ObjectSelector::Parse("app in (web,api),tier", "spec.nodeName=n1", "pods", true);
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_TRUE(s->Matches(web));
  EXPECT_FALSE(s->Matches(db));
  EXPECT_FALSE(ObjectSelector::Parse("app=nope", "", "pods", true)->Matches(web));
  EXPECT_TRUE(ObjectSelector::Parse("", "spec.hostNetwork=true,metadata.namespace=default", "pods", true)->Matches(web));
  EXPECT_TRUE(ObjectSelector::Parse("", "", "pods", true)->Matches(db));
}

TEST(ObjectSelector, ApiServerErrors) {
  auto bad = ObjectSelector::Parse("((((", "", "pods", true);
  ASSERT_FALSE(bad.has_value());
  EXPECT_TRUE(bad.error().message.starts_with("unable to parse requirement: ")) << bad.error().message;
  EXPECT_EQ(ObjectSelector::Parse("", "spec.x=y", "configmaps", true).error().message,
            "\"spec.x\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
  EXPECT_FALSE(ObjectSelector::Parse("", "metadata.namespace=x", "nodes", false).has_value());
}

TEST(ObjectSelector, NamespacesWithoutStatusAreActive) {
  auto ns = boost::json::parse(R"({"metadata":{"name":"dev"}})").as_object();
  EXPECT_TRUE(ObjectSelector::Parse("", "status.phase=Active", "namespaces", false)->Matches(ns));
  EXPECT_FALSE(ObjectSelector::Parse("", "status.phase=Terminating", "namespaces", false)->Matches(ns));
}

}  // namespace
}  // namespace kubeiam::kubeapi
