// managedFields as the API server records them: the FieldsV1 shape, ownership moving to the last
// writer of a field, empty entries dropped, the manager's name from ?fieldManager or User-Agent.
#include "kubeapi/managed_fields.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace kubeiam::kubeapi {
namespace {

namespace json = boost::json;

json::object Parse(const char* text) { return json::parse(text).as_object(); }

std::string Managers(const json::object& o) {
  std::string out;
  for (const auto& e : o.at("metadata").at("managedFields").as_array()) {
    out += std::string(e.at("manager").as_string()) + "=" + json::serialize(e.at("fieldsV1")) + " ";
  }
  return out;
}

TEST(ManagedFields, FieldsV1AsTheApiServerWritesThem) {
  auto cm = Parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","uid":"u","resourceVersion":"3",
      "labels":{"app":"web"}},"data":{"a":"1"}})");
  EXPECT_EQ(json::serialize(FieldsV1Of(cm)), R"({"f:data":{".":{},"f:a":{}},"f:metadata":{"f:labels":{".":{},"f:app":{}}}})");
  auto binding = Parse(R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"b"},
      "roleRef":{"kind":"ClusterRole","name":"view"},"subjects":[{"kind":"Group","name":"g"}]})");
  EXPECT_EQ(json::serialize(FieldsV1Of(binding)), R"({"f:roleRef":{},"f:subjects":{}})");
}

TEST(ManagedFields, TheLastWriterOfAFieldOwnsIt) {
  TimePoint t0 = *ParseRfc3339("2026-01-01T00:00:00Z"), t1 = *ParseRfc3339("2026-01-01T00:05:00Z");
  auto created = Parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":"1","b":"2"}})");
  RecordManagedFields(created, nullptr, "kubectl-create", t0);
  auto& entry = created.at("metadata").at("managedFields").at(0u).as_object();
  EXPECT_EQ(entry.at("operation"), "Update");
  EXPECT_EQ(entry.at("apiVersion"), "v1");
  EXPECT_EQ(entry.at("fieldsType"), "FieldsV1");
  EXPECT_EQ(entry.at("time"), "2026-01-01T00:00:00Z");
  EXPECT_EQ(Managers(created), R"(kubectl-create={"f:data":{".":{},"f:a":{},"f:b":{}}} )");

  auto labelled = created;
  labelled["metadata"].as_object()["labels"] = json::object{{"env", "prod"}};
  RecordManagedFields(labelled, &created, "kubectl-label", t1);
  EXPECT_EQ(Managers(labelled), R"(kubectl-create={"f:data":{".":{},"f:a":{},"f:b":{}}} )"
                                R"(kubectl-label={"f:metadata":{"f:labels":{".":{},"f:env":{}}}} )");
  // kubectl edit changes a and removes b: a moves to it, b is nobody's.
  auto edited = labelled;
  edited["data"] = json::object{{"a", "9"}};
  RecordManagedFields(edited, &labelled, "kubectl-edit", t1);
  EXPECT_EQ(Managers(edited), R"(kubectl-create={"f:data":{".":{}}} kubectl-label={"f:metadata":{"f:labels":{".":{},"f:env":{}}}} )"
                              R"(kubectl-edit={"f:data":{"f:a":{}}} )");
  // A write that takes everything another manager had leaves it no entry.
  auto relabelled = edited;
  relabelled["metadata"].as_object()["labels"] = json::object{{"env", "dev"}};
  relabelled["metadata"].as_object()["labels"].as_object().erase("env");
  relabelled["metadata"].as_object().erase("labels");
  RecordManagedFields(relabelled, &edited, "kubectl-edit", t1);
  EXPECT_EQ(Managers(relabelled), R"(kubectl-create={"f:data":{".":{}}} kubectl-edit={"f:data":{"f:a":{}}} )");
}

TEST(ManagedFields, TheManagersName) {
  auto info = ParseRequestInfo("POST", "/api/v1/namespaces/a/configmaps?fieldManager=kubectl-create");
  http::HttpRequest request{"POST", "/", {{"User-Agent", "kubectl/v1.31.0 (linux/amd64)"}}, "", ""};
  EXPECT_EQ(*FieldManagerOf(request, *info), "kubectl-create");
  auto plain = ParseRequestInfo("POST", "/api/v1/namespaces/a/configmaps");
  EXPECT_EQ(*FieldManagerOf(request, *plain), "kubectl");
  auto long_name = ParseRequestInfo("POST", "/api/v1/namespaces/a/configmaps?fieldManager=" + std::string(129, 'm'));
  EXPECT_FALSE(FieldManagerOf(request, *long_name));
}

}  // namespace
}  // namespace kubeiam::kubeapi
