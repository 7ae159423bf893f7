// Strategic merge patch on the stored kinds: the worked cases P1–P6 of spec/kube-api.md §4.6,
// the directives, and the errors the API server gives for malformed patches.
#include "kubeapi/strategic_merge.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "kubeapi/json_patch.h"
#include "kubeapi/object_table.h"

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

const StoredKind& Kind(const char* resource) {
  return *FindStoredKind(std::string_view(resource) == "configmaps" ? "" : "rbac.authorization.k8s.io", resource);
}

json::value Merge(const char* resource, const char* current, const char* patch) {
  auto merged = StrategicMerge(json::parse(current), json::parse(patch), Kind(resource));
  EXPECT_TRUE(merged) << merged.error().message;
  return merged ? *merged : json::value();
}

TEST(StrategicMerge, WorkedCases) {
  EXPECT_EQ(Merge("configmaps", R"({"data":{"a":"1","b":"2"}})", R"({"data":{"b":null,"c":"3"}})"),
            json::parse(R"({"data":{"a":"1","c":"3"}})"));  // P1
  EXPECT_EQ(Merge("configmaps", R"({"data":{"a":"1","b":"2"}})", R"({"data":{"$patch":"replace","z":"9"}})"),
            json::parse(R"({"data":{"z":"9"}})"));  // P2
  const char* r1 = R"({"apiGroups":[""],"resources":["configmaps"],"verbs":["get"]})";
  const char* r2 = R"({"apiGroups":[""],"resources":["configmaps"],"verbs":["list"]})";
  const char* rx = R"({"apiGroups":[""],"resources":["secrets"],"verbs":["get"]})";
  EXPECT_EQ(Merge("roles", (std::string(R"({"rules":[)") + r1 + "," + rx + "]}").c_str(), (std::string(R"({"rules":[)") + r2 + "]}").c_str()),
            json::parse(std::string(R"({"rules":[)") + r2 + "]}"));  // P3: rules are atomic
  EXPECT_EQ(Merge("configmaps", R"({"metadata":{"finalizers":["a.io/x"]}})", R"({"metadata":{"finalizers":["b.io/y"]}})"),
            json::parse(R"({"metadata":{"finalizers":["b.io/y","a.io/x"]}})"));  // P4
  EXPECT_EQ(Merge("configmaps", R"({"metadata":{"finalizers":["a.io/x","b.io/y"]}})",
                  R"({"metadata":{"$deleteFromPrimitiveList/finalizers":["a.io/x"]}})"),
            json::parse(R"({"metadata":{"finalizers":["b.io/y"]}})"));  // P5
  EXPECT_EQ(Merge("configmaps", R"({"metadata":{"ownerReferences":[{"uid":"u1","name":"a"},{"uid":"u2","name":"b"}]}})",
                  R"({"metadata":{"ownerReferences":[{"$patch":"delete","uid":"u1"}]}})"),
            json::parse(R"({"metadata":{"ownerReferences":[{"uid":"u2","name":"b"}]}})"));  // P6
}

TEST(StrategicMerge, OrderAndKeyedMerges) {
  EXPECT_EQ(Merge("configmaps", R"({"metadata":{"finalizers":["a","b"]}})",
                  R"({"metadata":{"$setElementOrder/finalizers":["b","a","c"],"finalizers":["c"]}})"),
            json::parse(R"({"metadata":{"finalizers":["b","a","c"]}})"));
  EXPECT_EQ(Merge("configmaps", R"({"metadata":{"ownerReferences":[{"uid":"u1","name":"a"}]}})",
                  R"({"metadata":{"ownerReferences":[{"uid":"u1","kind":"K"}]}})"),
            json::parse(R"({"metadata":{"ownerReferences":[{"uid":"u1","name":"a","kind":"K"}]}})"));
  EXPECT_EQ(Merge("rolebindings", R"({"roleRef":{"kind":"Role","name":"a"}})", R"({"roleRef":{"name":"b"}})"),
            json::parse(R"({"roleRef":{"kind":"Role","name":"b"}})"));
}

TEST(StrategicMerge, Errors) {
  auto no_key = StrategicMerge(json::parse(R"({"metadata":{}})"), json::parse(R"({"metadata":{"ownerReferences":[{"name":"x"}]}})"),
                               Kind("configmaps"));
  ASSERT_FALSE(no_key);
  EXPECT_EQ(no_key.error().message, R"(map: {"name":"x"} does not contain declared merge key: uid)");
  auto bad = StrategicMerge(json::parse("{}"), json::parse(R"({"data":{"$patch":"bogus"}})"), Kind("configmaps"));
  ASSERT_FALSE(bad);
  EXPECT_TRUE(bad.error().message.starts_with("unknown patch type: \"bogus\" in map: ")) << bad.error().message;
  EXPECT_FALSE(StrategicMerge(json::parse("{}"), json::parse("[]"), Kind("configmaps")));
  auto primitive = StrategicMerge(json::parse("{}"), json::parse(R"({"metadata":{"$deleteFromPrimitiveList/finalizers":"x"}})"), Kind("configmaps"));
  ASSERT_FALSE(primitive);
  EXPECT_EQ(primitive.error().message, "invalid patch format of primitive list");
}

TEST(JsonPatch, OperationsAndFailures) {
  auto doc = json::parse(R"({"metadata":{"labels":{"app.kubernetes.io/name":"x"}},"list":[1,2]})");
  auto patched = JsonPatch(doc, json::parse(R"([{"op":"remove","path":"/metadata/labels/app.kubernetes.io~1name"},
      {"op":"add","path":"/list/-","value":3},{"op":"replace","path":"/list/0","value":0},{"op":"copy","from":"/list/1","path":"/two"},
      {"op":"move","from":"/two","path":"/moved"},{"op":"test","path":"/moved","value":2}])"));
  ASSERT_TRUE(patched) << patched.error().message;
  EXPECT_EQ(*patched, json::parse(R"({"metadata":{"labels":{}},"list":[0,2,3],"moved":2})"));
  EXPECT_EQ(JsonPatch(doc, json::parse(R"([{"op":"test","path":"/list/0","value":9}])")).error().code, ErrorCode::kFormat);
  EXPECT_EQ(JsonPatch(doc, json::parse(R"([{"op":"remove","path":"/nope"}])")).error().code, ErrorCode::kFormat);
  EXPECT_EQ(JsonPatch(doc, json::parse(R"([{"op":"frob","path":"/x"}])")).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(JsonPatch(doc, json::parse(R"({"op":"add"})")).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(MergePatch(json::parse(R"({"a":{"b":1,"c":2}})"), json::parse(R"({"a":{"b":null,"d":[1]}})")),
            json::parse(R"({"a":{"c":2,"d":[1]}})"));
}

TEST(HumanAge, AsTheApiServerPrintsIt) {
  using std::chrono::seconds;
  EXPECT_EQ(HumanAge(seconds(-5)), "<invalid>");
  EXPECT_EQ(HumanAge(seconds(-1)), "0s");
  EXPECT_EQ(HumanAge(seconds(59)), "59s");
  EXPECT_EQ(HumanAge(seconds(312)), "5m12s");
  EXPECT_EQ(HumanAge(seconds(300)), "5m");
  EXPECT_EQ(HumanAge(seconds(3 * 3600 + 60)), "3h1m");
  EXPECT_EQ(HumanAge(seconds(10 * 3600)), "10h");
  EXPECT_EQ(HumanAge(seconds(2 * 86400 + 5 * 3600)), "2d5h");
  EXPECT_EQ(HumanAge(seconds(100 * 86400)), "100d");
  EXPECT_EQ(HumanAge(seconds(3 * 365 * 86400 + 86400)), "3y1d");
}

}  // namespace
}  // namespace kubeiam::kubeapi
