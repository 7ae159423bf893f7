// spec/rbac.md §7.10: the setups where inspection tools get who-can wrong; kubeiam who-can gives
// the RBAC truth column for each.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "integration/cli_runner.h"
#include "support/paths.h"
#include "support/temp_dir.h"

namespace kubeiam {
namespace {

std::string ClusterRole(const std::string& name, const std::string& rules) {
  return "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: " + name + "}\nrules: " + rules +
         "\n---\n";
}

std::string Binding(const std::string& ns, const std::string& role, const std::string& subjects) {
  std::string kind = ns.empty() ? "ClusterRoleBinding" : "RoleBinding";
  std::string meta = ns.empty() ? "{name: b}" : "{name: b, namespace: " + ns + "}";
  return "apiVersion: rbac.authorization.k8s.io/v1\nkind: " + kind + "\nmetadata: " + meta +
         "\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: " + role + "}\nsubjects: " + subjects +
         "\n---\n";
}

struct Case {
  const char* id;
  std::string manifests;
  std::vector<std::string> args;
  std::string subject, kind, namespace_;  // the row that must (or must not) be there
  bool listed;
};

TEST(WhoCanTruth, ToolBehaviourCases) {
  const std::string u = "[{kind: User, name: u}]";
  std::vector<Case> cases = {
      {"T01", ClusterRole("r", "[{verbs: [get], nonResourceURLs: [/apis/*]}]") + Binding("", "r", u), {"get", "/apis/v1"}, "u", "User", "", true},
      {"T02", ClusterRole("r", "[{verbs: [get], apiGroups: [\"\"], resources: [\"*/log\"]}]") + Binding("", "r", u),
       {"get", "pods", "--subresource", "log"}, "u", "User", "", true},
      {"T03", ClusterRole("r", "[{verbs: [get], apiGroups: [\"\"], resources: [secrets], resourceNames: [s1]}]") + Binding("", "r", u),
       {"get", "secrets"}, "u", "User", "", false},
      {"T03b", ClusterRole("r", "[{verbs: [get], apiGroups: [\"\"], resources: [secrets], resourceNames: [s1]}]") + Binding("", "r", u),
       {"get", "secrets/s1"}, "u", "User", "", true},
      {"T05", ClusterRole("r", "[{verbs: [list], apiGroups: [apps], resources: [pods]}]") + Binding("", "r", u),
       {"list", "pods"}, "u", "User", "", false},
      {"T06", Binding("ns1", "view", "[{kind: User, name: bob}]"), {"get", "pods", "-A"}, "bob", "User", "ns1", true},
      {"T07", Binding("ns1", "view", "[{kind: Group, name: devs}]"), {"get", "pods", "-n", "ns1"}, "devs", "Group", "ns1", true},
      {"T08", ClusterRole("cm-reader", "[{verbs: [get], apiGroups: [\"\"], resources: [configmaps]}]") +
                  Binding("ns1", "cm-reader", "[{kind: ServiceAccount, name: default}]"),
       {"get", "configmaps", "-n", "ns1"}, "default", "ServiceAccount", "ns1", true},
      {"T09", ClusterRole("r", "[{verbs: [get], nonResourceURLs: [/healthz, \"*\"]}]") + Binding("", "r", u),
       {"get", "/metrics"}, "u", "User", "", true},
      {"T10", "", {"delete", "nodes"}, "system:masters", "Group", "", true},
  };
  for (const auto& c : cases) {
    testing::TempDir dir;
    std::string rbac = dir.Write("rbac.yaml", c.manifests.empty() ? "# default policy only\n" : c.manifests);
    std::vector<std::string> argv = {KUBEIAM_BINARY, "who-can"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    argv.insert(argv.end(), {"--rbac", rbac, "-o", "json"});
    testing::Outcome o = testing::Run(argv, {});
    ASSERT_EQ(o.exit_code, 0) << c.id << ": " << o.err;
    bool found = false;
    boost::json::value rows = boost::json::parse(o.out);
    for (const auto& row : rows.as_array()) {
      const auto& r = row.as_object();
      if (r.at("subject").as_string() != c.subject || r.at("kind").as_string() != c.kind) continue;
      std::string ns(c.kind == "ServiceAccount" ? r.at("serviceAccountNamespace").as_string() : r.at("namespace").as_string());
      if (ns == c.namespace_) found = true;
    }
    EXPECT_EQ(found, c.listed) << c.id << ":\n" << o.out;
  }
}

}  // namespace
}  // namespace kubeiam
