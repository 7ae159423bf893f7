// The audit policy as kube-apiserver reads it: the first matching rule's level, each rule kind,
// omitted stages; bad policies refused by field. And the log's rotation by size and count.
#include "kubeapi/audit_policy.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "kubeapi/audit_log.h"
#include "support/temp_dir.h"

namespace kubeiam::kubeapi {
namespace {

const char* kPolicy = R"(apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: None
  users: [system:kube-proxy]
- level: None
  nonResourceURLs: ["/healthz*"]
- level: RequestResponse
  userGroups: [auditors]
  verbs: [create, update]
- level: Request
  resources:
  - {group: "", resources: [configmaps], resourceNames: [aws-auth]}
  namespaces: [kube-system]
- level: Metadata
  resources:
  - {group: rbac.authorization.k8s.io, resources: ["*"]}
  - {group: "", resources: [pods/*]}
  omitStages: [ResponseStarted]
- level: Metadata
  nonResourceURLs: ["/version"]
)";

AuditRequest Resource(std::string verb, std::string group, std::string resource, std::string ns = "", std::string name = "") {
  AuditRequest r;
  r.user = "jane";
  r.groups = {"devs"};
  r.verb = std::move(verb);
  r.resource_request = true;
  r.api_group = std::move(group);
  r.resource = std::move(resource);
  r.namespace_ = std::move(ns);
  r.name = std::move(name);
  return r;
}

TEST(AuditPolicy, TheFirstMatchingRuleGivesTheLevel) {
  auto p = AuditPolicy::Parse(kPolicy, "policy.yaml");
  ASSERT_TRUE(p) << p.error().message;
  auto level = [&](const AuditRequest& r) { return p->Evaluate(r).level; };
  AuditRequest proxy = Resource("get", "", "pods", "default");
  proxy.user = "system:kube-proxy";
  EXPECT_EQ(level(proxy), AuditLevel::kNone) << "users";
  AuditRequest health;
  health.user = "jane";
  health.path = "/healthz/ready";
  EXPECT_EQ(level(health), AuditLevel::kNone) << "a nonResourceURLs prefix";
  health.path = "/version";
  EXPECT_EQ(level(health), AuditLevel::kMetadata);
  AuditRequest auditor = Resource("create", "", "secrets", "default");
  auditor.groups = {"devs", "auditors"};
  EXPECT_EQ(level(auditor), AuditLevel::kRequestResponse) << "userGroups and verbs";
  auditor.verb = "get";
  EXPECT_EQ(level(auditor), AuditLevel::kNone) << "no rule for a get of secrets";
  EXPECT_EQ(level(Resource("update", "", "configmaps", "kube-system", "aws-auth")), AuditLevel::kRequest);
  EXPECT_EQ(level(Resource("update", "", "configmaps", "default", "aws-auth")), AuditLevel::kNone) << "namespaces";
  EXPECT_EQ(level(Resource("update", "", "configmaps", "kube-system", "other")), AuditLevel::kNone) << "resourceNames";
  EXPECT_EQ(level(Resource("delete", "rbac.authorization.k8s.io", "rolebindings", "x")), AuditLevel::kMetadata) << "*";
  AuditRequest exec = Resource("create", "", "pods", "default", "web");
  exec.subresource = "exec";
  EXPECT_EQ(level(exec), AuditLevel::kMetadata) << "pods/*";
  EXPECT_EQ(level(Resource("get", "", "pods", "default", "web")), AuditLevel::kMetadata) << "pods/* covers pods too, as kube's";
  auto d = p->Evaluate(exec);
  EXPECT_EQ(d.omit_stages, (std::vector<AuditStage>{AuditStage::kRequestReceived, AuditStage::kResponseStarted}));
}

TEST(AuditPolicy, BadPoliciesNameTheField) {
  struct Case {
    std::string yaml, error;
  } cases[] = {
      {"kind: Other\n", "p.yaml: kind: must be Policy"},
      {"kind: Policy\n", "p.yaml: rules: must be a list"},
      {"kind: Policy\nrules:\n- level: Loud\n", "p.yaml:3:10: rules[0].level: must be one of None, Metadata, Request, RequestResponse"},
      {"kind: Policy\nrules:\n- level: None\n  users: jane\n", "p.yaml:4:10: rules[0].users: must be a list of strings"},
      {"kind: Policy\nomitStages: [Later]\nrules: []\n", "p.yaml:2:13: policy.omitStages: unknown stage \"Later\""},
      {"kind: Policy\nrules:\n- level: None\n  resources: [x]\n", "p.yaml:4:15: rules[0].resources[0]: must be a mapping"},
      {"kind: Policy\nrules: [\n", "p.yaml:3:1: not valid YAML: "},
  };
  for (const auto& c : cases) {
    auto p = AuditPolicy::Parse(c.yaml, "p.yaml");
    ASSERT_FALSE(p) << c.yaml;
    EXPECT_EQ(p.error().message.substr(0, c.error.size()), c.error) << p.error().message;
  }
}

// Past maxSizeMB the file is renamed aside and a new one begun; only maxBackups are kept.
TEST(AuditLog, RotatesBySizeAndKeepsMaxBackups) {
  testing::TempDir dir;
  auto policy = AuditPolicy::Parse("kind: Policy\nrules:\n- level: RequestResponse\n", "p.yaml");
  ASSERT_TRUE(policy);
  std::string path = dir.path() + "/audit.log";
  auto log = AuditLog::Open(std::move(*policy), {path, 1, 30, 2});
  ASSERT_TRUE(log) << log.error().message;
  http::HttpRequest request{"POST", "/api/v1/namespaces/default/configmaps", {}, "{\"data\":{\"k\":\"" + std::string(4000, 'v') + "\"}}",
                            "127.0.0.1:5555"};
  for (int i = 0; i < 1000; ++i) {
    (*log)->Record({&request, nullptr, nullptr, nullptr, std::chrono::system_clock::now(), "id"}, {201, "application/json", "{}", {}});
  }
  size_t backups = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    std::string name = e.path().filename().string();
    if (name.starts_with("audit.log-")) ++backups;
    if (name.starts_with("audit.log")) {
      EXPECT_LE(std::filesystem::file_size(e.path()), 1024u * 1024u) << name;
    }
  }
  EXPECT_EQ(backups, 2u) << "about 8 MiB written (two events a request): the oldest backups removed";
}

}  // namespace
}  // namespace kubeiam::kubeapi
