// The columns kubectl shows for the objects folder's pods and nodes, as the API server prints them.
#include "kubeapi/folder_table.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

std::string Cells(const std::string& resource, const std::string& object) {
  json::object o = json::parse(object).as_object();
  TimePoint now = *ParseRfc3339("2026-01-03T00:00:00Z");
  auto table = FolderTable(resource, {&o}, "7", now);
  return json::serialize(table.at("rows").at(0u).at("cells"));
}

std::string Names(const std::string& resource) {
  std::string out;
  json::object table = FolderTable(resource, {}, "1", {});
  for (const auto& c : table.at("columnDefinitions").as_array()) {
    out += std::string(c.at("name").as_string()) + (c.at("priority").as_int64() ? "*" : "") + " ";
  }
  return out;
}

TEST(FolderTable, PodsAsKubectlGetPods) {
  EXPECT_EQ(Names("pods"), "Name Ready Status Restarts Age IP* Node* ");
  EXPECT_EQ(Cells("pods", R"({"metadata":{"name":"web","creationTimestamp":"2026-01-01T00:00:00Z"},
      "spec":{"containers":[{"name":"a"},{"name":"b"}],"nodeName":"n1"},
      "status":{"phase":"Running","podIP":"10.0.0.5","containerStatuses":[{"ready":true,"restartCount":2},
      {"ready":false,"restartCount":1}]}})"),
            R"(["web","1/2","Running",3,"2d","10.0.0.5","n1"])");
  // No status yet: Pending, as the API server defaults a new pod's phase.
  EXPECT_EQ(Cells("pods", R"({"metadata":{"name":"new"},"spec":{"containers":[{}]}})"),
            R"(["new","0/1","Pending",0,"<unknown>","<none>","<none>"])");
}

TEST(FolderTable, NodesAsKubectlGetNodes) {
  EXPECT_EQ(Names("nodes"), "Name Status Roles Age Version Internal-IP* External-IP* OS-Image* ");
  EXPECT_EQ(Cells("nodes", R"({"metadata":{"name":"n1","creationTimestamp":"2026-01-02T23:00:00Z",
      "labels":{"node-role.kubernetes.io/control-plane":"","kubernetes.io/role":"worker"}},
      "spec":{"unschedulable":true},
      "status":{"conditions":[{"type":"Ready","status":"False"}],"nodeInfo":{"kubeletVersion":"v1.31.2"},
      "addresses":[{"type":"InternalIP","address":"10.0.0.1"}]}})"),
            R"(["n1","NotReady,SchedulingDisabled","control-plane,worker","60m","v1.31.2","10.0.0.1","<none>","<unknown>"])");
  EXPECT_EQ(Cells("nodes", R"({"metadata":{"name":"n2"}})"), R"(["n2","Unknown","<none>","<unknown>","","<none>","<none>","<unknown>"])");
}

TEST(FolderTable, OtherKindsShowNameAndCreation) {
  EXPECT_EQ(Names("apps/deployments"), "Name Created At ");
  EXPECT_EQ(Cells("apps/deployments", R"({"metadata":{"name":"d","creationTimestamp":"2026-01-01T00:00:00Z"}})"),
            R"(["d","2026-01-01T00:00:00Z"])");
}

}  // namespace
}  // namespace kubeiam::kubeapi
