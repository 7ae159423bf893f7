// The deployment files under deploy/ and packaging/: each manifest parses and says what the docs
// say (host networking on control-plane nodes, the probes, the state on the host; the proxy's
// exact impersonation rights); each kubeiam config in them is one kubeiam accepts; the systemd
// unit is sandboxed and reloads with SIGHUP; the image recipe installs the package the manifests
// run.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <regex>
#include <set>

#include "config/config.h"
#include "rbac/loader.h"
#include "support/paths.h"
#include "support/temp_dir.h"

namespace kubeiam {
namespace {

std::string Source(const std::string& path) {
  std::ifstream in(std::string(KUBEIAM_TEST_DIR) + "/../" + path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The documents of a manifest file by kind (the last of each kind).
std::map<std::string, YAML::Node> ByKind(const std::string& path) {
  std::map<std::string, YAML::Node> out;
  for (const auto& doc : YAML::LoadAll(Source(path))) out[doc["kind"].as<std::string>()] = doc;
  return out;
}

// The pod spec of a Pod or of a workload's template.
YAML::Node PodSpec(const YAML::Node& doc) {
  return doc["kind"].as<std::string>() == "Pod" ? doc["spec"] : doc["spec"]["template"]["spec"];
}

void ExpectControlPlaneKubeiam(const YAML::Node& doc, const std::string& file) {
  YAML::Node spec = PodSpec(doc);
  EXPECT_TRUE(spec["hostNetwork"].as<bool>()) << file;
  EXPECT_EQ(spec["priorityClassName"].as<std::string>(), "system-node-critical") << file;
  YAML::Node c = spec["containers"][0];
  EXPECT_EQ(c["command"][1].as<std::string>(), "serve") << file;
  EXPECT_EQ(c["command"][3].as<std::string>(), "/etc/kubeiam/config.yaml") << file;
  EXPECT_EQ(c["readinessProbe"]["httpGet"]["path"].as<std::string>(), "/readyz") << file;
  EXPECT_EQ(c["livenessProbe"]["httpGet"]["scheme"].as<std::string>(), "HTTPS") << file;
  std::set<std::string> host_paths;
  for (const auto& v : spec["volumes"]) host_paths.insert(v["hostPath"]["path"].as<std::string>());
  EXPECT_EQ(host_paths, (std::set<std::string>{"/etc/kubeiam", "/var/lib/kubeiam"})) << file;
}

TEST(DeployManifests, ControlPlanePodAndDaemonSet) {
  auto pod = ByKind("deploy/control-plane/static-pod.yaml");
  ASSERT_TRUE(pod.count("Pod"));
  EXPECT_EQ(pod["Pod"]["metadata"]["namespace"].as<std::string>(), "kube-system");
  ExpectControlPlaneKubeiam(pod["Pod"], "static-pod.yaml");
  auto ds = ByKind("deploy/control-plane/daemonset.yaml");
  ASSERT_TRUE(ds.count("DaemonSet"));
  ExpectControlPlaneKubeiam(ds["DaemonSet"], "daemonset.yaml");
  YAML::Node spec = PodSpec(ds["DaemonSet"]);
  EXPECT_TRUE(spec["nodeSelector"]["node-role.kubernetes.io/control-plane"].IsDefined());
  EXPECT_EQ(spec["tolerations"][0]["key"].as<std::string>(), "node-role.kubernetes.io/control-plane");
  auto config = config::ParseConfig(Source("deploy/control-plane/config.yaml"), "deploy/control-plane/config.yaml");
  EXPECT_TRUE(config) << config.error().message;
}

// The proxy may impersonate users, groups, uids and exactly the extras kubeiam forwards.
TEST(DeployManifests, TheProxyHasExactlyTheImpersonationItNeeds) {
  auto docs = ByKind("deploy/proxy/kubeiam-proxy.yaml");
  for (const char* kind : {"ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ConfigMap", "Deployment", "Service",
                           "PodDisruptionBudget"}) {
    EXPECT_TRUE(docs.count(kind)) << kind;
  }
  auto rbac = rbac::ParseManifests(Source("deploy/proxy/kubeiam-proxy.yaml"), "kubeiam-proxy.yaml");
  ASSERT_TRUE(rbac) << rbac.error().message;
  ASSERT_EQ(rbac->cluster_roles.size(), 1u);
  std::set<std::string> impersonable;
  for (const auto& rule : rbac->cluster_roles[0].rules) {
    if (rule.verbs != std::vector<std::string>{"impersonate"}) continue;
    for (const auto& r : rule.resources) impersonable.insert(r);
  }
  EXPECT_EQ(impersonable, (std::set<std::string>{"users", "groups", "uids", "userextras/accesskeyid", "userextras/arn",
                                                 "userextras/canonicalarn", "userextras/principalid",
                                                 "userextras/sessionname"}));
  EXPECT_EQ(docs["Deployment"]["spec"]["template"]["spec"]["serviceAccountName"].as<std::string>(),
            docs["ServiceAccount"]["metadata"]["name"].as<std::string>());
  testing::ScopedEnv in_a_pod;  // as the Deployment runs it: EKSConfigMap watches its own cluster
  in_a_pod.Set("KUBERNETES_SERVICE_HOST", "10.96.0.1").Set("KUBERNETES_SERVICE_PORT", "443");
  auto config = config::ParseConfig(docs["ConfigMap"]["data"]["config.yaml"].as<std::string>(), "kubeiam-proxy config");
  ASSERT_TRUE(config) << config.error().message;
  ASSERT_TRUE(config->kube_api && config->kube_api->upstream);
  EXPECT_EQ(config->kube_api->upstream->token_file, "/var/run/secrets/kubernetes.io/serviceaccount/token");
  EXPECT_TRUE(config->rbac_cluster && config->rbac_cluster->InCluster());
  EXPECT_EQ(docs["Service"]["spec"]["ports"][0]["targetPort"].as<int>(), config->kube_api->port);
  EXPECT_EQ(docs["PodDisruptionBudget"]["spec"]["minAvailable"].as<int>(), 1);
}

TEST(DeployManifests, TheSystemdUnitIsSandboxedAndReloads) {
  std::string unit = Source("deploy/systemd/kubeiam.service");
  for (const char* line : {"ExecReload=/bin/kill -HUP $MAINPID", "ProtectSystem=strict", "NoNewPrivileges=yes",
                           "CapabilityBoundingSet=\n", "StateDirectory=kubeiam", "User=kubeiam"}) {
    EXPECT_NE(unit.find(line), std::string::npos) << line;
  }
  auto starter = config::ParseConfig(Source("packaging/config.yaml"), "packaging/config.yaml");
  EXPECT_TRUE(starter) << starter.error().message;
}

// The image is built from the .deb `make package` writes (its name from the project's version),
// and every manifest runs that image's binary under the tag of that version.
TEST(DeployManifests, TheImageIsBuiltFromThePackageTheManifestsRun) {
  std::smatch m;
  std::string cmake = Source("CMakeLists.txt");
  ASSERT_TRUE(std::regex_search(cmake, m, std::regex(R"(project\(kubeiam VERSION ([0-9.]+))")));
  const std::string version = m[1], deb = "kubeiam_" + version + "_amd64.deb";
  std::string recipe = Source("deploy/image/Dockerfile");
  EXPECT_TRUE(std::regex_search(recipe, std::regex(R"(\nFROM debian:12(-slim)?\n)"))) << "Debian 12, as the package's dependencies";
  EXPECT_NE(recipe.find("\nCOPY " + deb + " /tmp/\n"), std::string::npos) << deb;
  EXPECT_NE(recipe.find("apt-get install -y --no-install-recommends /tmp/" + deb), std::string::npos);
  EXPECT_NE(recipe.find("\nUSER 65532:65532\n"), std::string::npos);
  EXPECT_NE(recipe.find("\nENTRYPOINT [\"/usr/bin/kubeiam\"]\n"), std::string::npos);
  EXPECT_NE(recipe.find("-t registry.example.com/kubeiam:" + version + " build/package"), std::string::npos);
  const std::pair<const char*, const char*> workloads[] = {{"deploy/control-plane/static-pod.yaml", "Pod"},
                                                           {"deploy/control-plane/daemonset.yaml", "DaemonSet"},
                                                           {"deploy/proxy/kubeiam-proxy.yaml", "Deployment"}};
  for (const auto& [file, kind] : workloads) {
    YAML::Node spec = PodSpec(ByKind(file)[kind]);
    for (const auto& c : spec["containers"]) {
      EXPECT_EQ(c["image"].as<std::string>(), "registry.example.com/kubeiam:" + version) << file;
      EXPECT_EQ(c["command"][0].as<std::string>(), "/usr/bin/kubeiam") << file;
      // The host's state directory is root's on control-plane nodes; the proxy keeps the image's user.
      int uid = c["securityContext"]["runAsUser"].as<int>();
      EXPECT_EQ(uid, std::string(kind) == "Deployment" ? 65532 : 0) << file;
      EXPECT_EQ(c["securityContext"]["capabilities"]["drop"][0].as<std::string>(), "ALL") << file;
    }
  }
}

}  // namespace
}  // namespace kubeiam
