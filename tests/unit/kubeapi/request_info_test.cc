// Method x path -> the attributes the API server authorizes (its RequestInfoFactory).
#include "kubeapi/request_info.h"

#include <gtest/gtest.h>

namespace kubeiam::kubeapi {
namespace {

TEST(RequestInfo, Table) {
  struct Row {
    const char* method;
    const char* target;
    bool resource;
    const char* verb;
    const char* group;
    const char* ns;
    const char* resource_name;
    const char* subresource;
    const char* name;
  } rows[] = {
      {"GET", "/api/v1/namespaces/default/pods", true, "list", "", "default", "pods", "", ""},
      {"GET", "/api/v1/namespaces/default/pods/web", true, "get", "", "default", "pods", "", "web"},
      {"GET", "/api/v1/namespaces/default/pods/web/log", true, "get", "", "default", "pods", "log", "web"},
      {"GET", "/api/v1/namespaces/default/pods?watch=true", true, "watch", "", "default", "pods", "", ""},
      {"GET", "/api/v1/watch/namespaces/default/pods", true, "watch", "", "default", "pods", "", ""},
      {"GET", "/api/v1/pods", true, "list", "", "", "pods", "", ""},
      {"GET", "/api/v1/nodes", true, "list", "", "", "nodes", "", ""},
      {"GET", "/api/v1/nodes/n1", true, "get", "", "", "nodes", "", "n1"},
      {"HEAD", "/api/v1/nodes/n1", true, "get", "", "", "nodes", "", "n1"},
      {"POST", "/api/v1/namespaces/default/pods", true, "create", "", "default", "pods", "", ""},
      {"PUT", "/apis/apps/v1/namespaces/ns/deployments/d", true, "update", "apps", "ns", "deployments", "", "d"},
      {"PATCH", "/apis/apps/v1/namespaces/ns/deployments/d/scale", true, "patch", "apps", "ns", "deployments", "scale", "d"},
      {"DELETE", "/api/v1/namespaces/ns/pods/p", true, "delete", "", "ns", "pods", "", "p"},
      {"DELETE", "/api/v1/namespaces/ns/pods", true, "deletecollection", "", "ns", "pods", "", ""},
      {"GET", "/api/v1/namespaces", true, "list", "", "", "namespaces", "", ""},
      {"GET", "/api/v1/namespaces/kube-system", true, "get", "", "kube-system", "namespaces", "", "kube-system"},
      {"PUT", "/api/v1/namespaces/ns/finalize", true, "update", "", "ns", "namespaces", "finalize", "ns"},
      {"GET", "/api/v1/namespaces/ns/pods?fieldSelector=metadata.name%3Dweb", true, "list", "", "ns", "pods", "", "web"},
      // List options as the API server decodes them: the first value counts, a bool is true
      // unless "0" or "false".
      {"GET", "/api/v1/pods?watch=yes", true, "watch", "", "", "pods", "", ""},
      {"GET", "/api/v1/pods?watch", true, "watch", "", "", "pods", "", ""},
      {"GET", "/api/v1/pods?watch=FALSE", true, "list", "", "", "pods", "", ""},
      {"GET", "/api/v1/pods?watch=0&watch=true", true, "list", "", "", "pods", "", ""},
      {"GET", "/api/v1/pods?fieldSelector=metadata.namespace%21%3Dx&fieldSelector=metadata.name%3Dok", true, "list", "", "",
       "pods", "", ""},
      {"GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Dn1,metadata.name%3D%3Dweb", true, "list", "", "", "pods", "", "web"},
      {"GET", "/api/v1/pods?fieldSelector=metadata.name%3D..", true, "list", "", "", "pods", "", ""},
      {"GET", "/api/v1/pods?fieldSelector=metadata.name%21%3Dweb", true, "list", "", "", "pods", "", ""},
      {"POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", true, "create", "authorization.k8s.io", "",
       "selfsubjectaccessreviews", "", ""},
      {"GET", "/api", false, "get", "", "", "", "", ""},
      {"GET", "/apis", false, "get", "", "", "", "", ""},
      {"GET", "/apis/apps", false, "get", "", "", "", "", ""},
      {"GET", "/apis/apps/v1", false, "get", "apps", "", "", "", ""},
      {"GET", "/api/v1", false, "get", "", "", "", "", ""},
      {"GET", "/version", false, "get", "", "", "", "", ""},
      {"GET", "/healthz", false, "get", "", "", "", "", ""},
      {"POST", "/logs/x", false, "post", "", "", "", "", ""},
  };
  for (const auto& r : rows) {
    auto info = ParseRequestInfo(r.method, r.target);
    ASSERT_TRUE(info) << r.target;
    EXPECT_EQ(info->resource_request, r.resource) << r.method << " " << r.target;
    EXPECT_EQ(info->verb, r.verb) << r.method << " " << r.target;
    EXPECT_EQ(info->api_group, r.group) << r.target;
    EXPECT_EQ(info->namespace_, r.ns) << r.target;
    EXPECT_EQ(info->resource, r.resource_name) << r.target;
    EXPECT_EQ(info->subresource, r.subresource) << r.target;
    EXPECT_EQ(info->name, r.name) << r.target;
  }
  EXPECT_FALSE(ParseRequestInfo("GET", "/api/v1/pods/%zz"));
}

}  // namespace
}  // namespace kubeiam::kubeapi
