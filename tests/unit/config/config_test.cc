#include "config/config.h"

#include <gtest/gtest.h>
#include "support/paths.h"
#include <fstream>

namespace kubeiam::config {
namespace {

TEST(ServerConfig, ReferenceKeysAnyCaseAndDefaults) {
  auto c = ParseConfig(R"(
clusterID: my-dev-cluster.example.com
server:
  Port: 8443
  stateDir: /var/kubeiam
  scrubbedAccounts: ["111122223333"]
  mapRoles:
  - roleARN: arn:aws:iam::000000000000:role/KubernetesAdmin
    username: kubernetes-admin
    groups: [system:masters]
  - sso: {permissionSetName: ViewOnlyAccess, accountID: "000000000000"}
    username: sso:{{SessionName}}
  mapUsers:
  - userarn: arn:aws:iam::000000000000:user/Alice
    username: alice
  mapAccounts: ["012345678901"]
  backendMode: MountedFile,DynamicFile
  dynamicfilepath: access.json
  reservedPrefixConfig:
  - backendmode: MountedFile
    usernamePrefixReserveList: ["system:", "eks:"]
)", "/etc/kubeiam/config.yaml");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->port, 8443);
  EXPECT_EQ(c->address, "127.0.0.1");
  EXPECT_EQ(c->map_roles.size(), 2u);
  EXPECT_EQ(c->map_roles[0].rolearn, "arn:aws:iam::000000000000:role/KubernetesAdmin");
  EXPECT_TRUE(c->map_roles[1].sso.has_value());
  EXPECT_EQ(c->backend_modes, (std::vector<std::string>{"MountedFile", "DynamicFile"}));
  EXPECT_EQ(c->dynamic_file, "/etc/kubeiam/access.json");
  EXPECT_EQ(c->ReservedPrefixesFor("MountedFile"), (std::vector<std::string>{"system:", "eks:"}));
  EXPECT_TRUE(c->scrubbed_accounts.contains("111122223333"));
  EXPECT_FALSE(c->local_sts.has_value());
}

TEST(ServerConfig, EveryProblemReported) {
  auto c = ParseConfig(R"(
server:
  port: "many"
  partition: aws-moon
  backendMode: [EKSConfigMap]
  dynamicfilepath: x.json
  mapUsers:
  - username: nobody
sts:
  endpoint: https://sts.example
  local: {port: 0}
)", "c.yaml");
  ASSERT_FALSE(c.has_value());
  const std::string& m = c.error().message;
  for (const char* want : {"c.yaml: clusterID: cluster ID cannot be empty", "c.yaml:3:9: server.port: must be a whole number",
                           "server.partition: invalid partition \"aws-moon\"",
                           "server.mapUsers[0]: value for userarn must be supplied",
                           "server.awsAuthFile: is required when backendMode includes EKSConfigMap",
                           "server.dynamicfilepath: is set but backendMode does not include DynamicFile",
                           "sts.local.port: must be a whole number from 1 to 65535",
                           "sts.local.principals: is required", "sts.endpoint: cannot be combined with sts.local"}) {
    EXPECT_NE(m.find(want), std::string::npos) << want << "\n" << m;
  }
  EXPECT_FALSE(ParseConfig("- a list", "c.yaml").has_value());
  EXPECT_FALSE(ParseConfig("{{", "c.yaml").has_value());
}

// A typo is an error with its line, column and the nearest known key, never a silent default.
TEST(ServerConfig, UnknownKeysAreErrorsWithTheirLineAndAGuess) {
  struct Case {
    std::string yaml, error;
  } cases[] = {
      {"clusterID: demo\nserver:\n  prot: 8443\n", "c.yaml:3:3: server.prot: unknown key (did you mean port?)"},
      {"clusterID: demo\nserver:\n  adress: 0.0.0.0\n", "c.yaml:3:3: server.adress: unknown key (did you mean address?)"},
      {"clusterID: demo\nkubeApis: {port: 1}\n", "c.yaml:2:1: kubeApis: unknown key (did you mean kubeAPI?)"},
      {"clusterID: demo\ncolour: blue\n", "c.yaml:2:1: colour: unknown key"},
      {"clusterID: demo\nserver:\n  mapUsers:\n  - userarn: arn:aws:iam::111122223333:user/a\n    username: a\n    grups: [x]\n",
       "c.yaml:6:5: server.mapUsers[0].grups: unknown key (did you mean groups?)"},
      {"clusterID: demo\neksAPI: {}\nstore:\n  etcd:\n    endpoints: [http://127.0.0.1:2379]\n    prefx: /k/\n",
       "c.yaml:6:5: store.etcd.prefx: unknown key (did you mean prefix?)"},
      {"clusterID: demo\nsts:\n  local: {principals: p.yaml, prot: 1}\n",
       "c.yaml:3:31: sts.local.prot: unknown key (did you mean port?)"},
      {"clusterID: demo\nserver: {port: 1}\nserver: {port: 2}\n", ""},  // yaml-cpp keeps both; the first is read
  };
  for (const auto& c : cases) {
    auto got = ParseConfig(c.yaml, "c.yaml");
    if (c.error.empty()) continue;
    ASSERT_FALSE(got) << c.yaml;
    EXPECT_NE(got.error().message.find(c.error), std::string::npos) << got.error().message;
  }
  // Keys match without case, as the reference's config library matches them.
  EXPECT_TRUE(ParseConfig("clusterid: demo\nSERVER: {Port: 9}\nkubeApi: {port: 10}\n", "c.yaml"));
}

TEST(ServerConfig, YamlErrorsCarryTheirLineAndColumn) {
  auto bad = ParseConfig("clusterID: demo\nserver:\n  port: [1, 2\n", "c.yaml");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message.rfind("c.yaml:4:1: not valid YAML: ", 0), 0u) << bad.error().message;
  auto tab = ParseConfig("clusterID: demo\nserver:\n\tport: 1\n", "c.yaml");
  ASSERT_FALSE(tab);
  EXPECT_EQ(tab.error().message.rfind("c.yaml:3:", 0), 0u) << tab.error().message;
}

// The reference authenticator's keys that kubeiam has no use for still load, each with a
// warning that says why it changes nothing.
TEST(ServerConfig, ReferenceOnlyKeysLoadWithAWarning) {
  auto c = ParseConfig(R"(clusterID: demo
server:
  generateKubeconfig: /etc/kubernetes/aws-iam-authenticator/kubeconfig.yaml
  kubeconfigPregenerated: true
  sourceARN: arn:aws:eks:us-east-1:111122223333:cluster/demo
  dynamicBackendModePath: /var/authenticator/backend-mode
)", "c.yaml");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->warnings.size(), 4u);
  EXPECT_EQ(c->warnings[0].rfind("c.yaml:3:23: server.generateKubeconfig: ignored: kubeiam writes its webhook kubeconfigs", 0), 0u)
      << c->warnings[0];
}

TEST(ServerConfig, AccessEntriesModeAndAuthorization) {
  auto c = ParseConfig(R"(
clusterID: demo
server:
  accessEntriesFile: entries.yaml
authorization: {rbac: ./rbac/, bootstrapPolicy: false}
)", "/etc/kubeiam/c.yaml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->authentication_mode, eks::AuthenticationMode::kApiAndConfigMap) << "entries given: API_AND_CONFIG_MAP";
  EXPECT_EQ(c->access_entries_file, "/etc/kubeiam/entries.yaml");
  EXPECT_EQ(c->authorization_rbac, "/etc/kubeiam/./rbac/");
  EXPECT_FALSE(c->bootstrap_policy);
  auto plain = ParseConfig("clusterID: demo\n", "c.yaml");
  EXPECT_EQ(plain->authentication_mode, eks::AuthenticationMode::kConfigMap);
  EXPECT_TRUE(plain->bootstrap_policy);
  auto bad = ParseConfig(R"(
clusterID: demo
server:
  authenticationMode: api
  backendMode: [AccessEntry, MountedFile]
authorization: [rbac]
)", "c.yaml");
  ASSERT_FALSE(bad);
  for (const char* want : {"server.authenticationMode: must be one of API, API_AND_CONFIG_MAP, CONFIG_MAP (got \"api\")",
                           "server.backendMode: lists AccessEntry but server.authenticationMode is CONFIG_MAP",
                           "authorization: must be a mapping"}) {
    EXPECT_NE(bad.error().message.find(want), std::string::npos) << want << "\n" << bad.error().message;
  }
  auto ignored = ParseConfig("clusterID: demo\nserver:\n  authenticationMode: CONFIG_MAP\n  accessEntriesFile: e.yaml\n", "c.yaml");
  ASSERT_FALSE(ignored);
  EXPECT_NE(ignored.error().message.find("server.accessEntriesFile: is set but server.authenticationMode is CONFIG_MAP"),
            std::string::npos);
}

}  // namespace
}  // namespace kubeiam::config

namespace kubeiam::config {
namespace {

TEST(ServerConfig, KubeApiUpstream) {
  auto c = ParseConfig(R"(
clusterID: demo
kubeAPI:
  port: 6443
  upstream:
    url: https://api.example.com:6443/prefix/
    caFile: upstream-ca.crt
    clientCert: /etc/kubeiam/proxy.crt
    clientKey: /etc/kubeiam/proxy.key
)", "/etc/kubeiam/config.yaml");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  ASSERT_TRUE(c->kube_api && c->kube_api->upstream);
  EXPECT_EQ(c->kube_api->upstream->url, "https://api.example.com:6443/prefix/");
  EXPECT_EQ(c->kube_api->upstream->ca_file, "/etc/kubeiam/upstream-ca.crt");
  EXPECT_EQ(c->kube_api->upstream->client_key, "/etc/kubeiam/proxy.key");

  auto bad = ParseConfig(R"(
clusterID: demo
kubeAPI:
  objects: ./objects
  upstream:
    url: http://10.0.0.1:8080
    clientCert: proxy.crt
)", "c.yaml");
  ASSERT_FALSE(bad.has_value());
  const std::string& m = bad.error().message;
  EXPECT_NE(m.find("kubeAPI.upstream.url: plain http is only allowed to a loopback address, not 10.0.0.1"), std::string::npos) << m;
  EXPECT_NE(m.find("kubeAPI.upstream.clientKey: clientCert and clientKey go together"), std::string::npos) << m;
  EXPECT_NE(m.find("kubeAPI.objects: cannot be combined with kubeAPI.upstream"), std::string::npos) << m;
  auto who = ParseConfig("clusterID: demo\nkubeAPI:\n  upstream: {url: https://h, authorization: both}\n", "c.yaml");
  ASSERT_FALSE(who.has_value());
  EXPECT_NE(who.error().message.find("kubeAPI.upstream.authorization: must be kubeiam or upstream (got \"both\")"),
            std::string::npos);
  auto no_url = ParseConfig("clusterID: demo\nkubeAPI:\n  upstream: {caFile: x}\n", "c.yaml");
  ASSERT_FALSE(no_url.has_value());
  EXPECT_NE(no_url.error().message.find("kubeAPI.upstream.url: is required"), std::string::npos);
}

}  // namespace
}  // namespace kubeiam::config

namespace kubeiam::config {
namespace {

TEST(ServerConfig, StayingUpLimits) {
  auto defaults = ParseConfig("clusterID: c\n", "c.yaml");
  ASSERT_TRUE(defaults.has_value()) << defaults.error().message;
  EXPECT_EQ(defaults->handler_threads, 64);
  EXPECT_EQ(defaults->max_connections, 4096);
  EXPECT_EQ(defaults->sts_max_in_flight, 32);
  auto set = ParseConfig("clusterID: c\nserver:\n  handlerThreads: 32\n  maxConnections: 100\nsts:\n  maxInFlight: 2\n", "c.yaml");
  ASSERT_TRUE(set.has_value()) << set.error().message;
  EXPECT_EQ(set->handler_threads, 32);
  EXPECT_EQ(set->max_connections, 100);
  EXPECT_EQ(set->sts_max_in_flight, 2);
  auto bad = ParseConfig("clusterID: c\nserver:\n  handlerThreads: 0\n  maxConnections: -1\nsts:\n  maxInFlight: 5000\n", "c.yaml");
  ASSERT_FALSE(bad.has_value());
  for (const char* key : {"server.handlerThreads", "server.maxConnections", "sts.maxInFlight"}) {
    EXPECT_NE(bad.error().message.find(key), std::string::npos) << bad.error().message;
  }
}

}  // namespace
}  // namespace kubeiam::config

namespace kubeiam::config {
namespace {

// EKSConfigMap on a live cluster, as the reference reads it: server.kubeconfig (or master, or
// in-cluster), and the cluster's RBAC with authorization.rbac {kubeconfig | inCluster}.
TEST(ServerConfig, LiveClusterSources) {
  auto c = ParseConfig(R"(
clusterID: demo
server:
  backendMode: [EKSConfigMap]
  kubeconfig: kube/admin.yaml
  kubeconfigContext: prod
authorization:
  rbac: {kubeconfig: kube/admin.yaml, context: prod}
  webhook: full
)", "dir/c.yaml");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  ASSERT_TRUE(c->aws_auth_cluster.has_value());
  EXPECT_EQ(c->aws_auth_cluster->kubeconfig, "dir/kube/admin.yaml");
  EXPECT_EQ(c->aws_auth_cluster->context, "prod");
  EXPECT_EQ(c->rbac_cluster, c->aws_auth_cluster);
  EXPECT_TRUE(c->authorization_rbac.empty());

  auto in_cluster = ParseConfig("clusterID: demo\nauthorization:\n  rbac: {inCluster: true}\n", "c.yaml");
  ASSERT_TRUE(in_cluster.has_value()) << in_cluster.error().message;
  EXPECT_TRUE(in_cluster->rbac_cluster->InCluster());

  auto bad = ParseConfig(R"(
clusterID: demo
server:
  backendMode: [MountedFile]
  kubeconfig: a.yaml
  master: http://10.0.0.1
authorization:
  rbac: {kubeconfig: b.yaml, inCluster: true}
)", "c.yaml");
  ASSERT_FALSE(bad.has_value());
  for (const char* want : {"c.yaml:6:11: server.master: must be an https:// URL",
                           "c.yaml:5:15: server.kubeconfig: is set but EKSConfigMap reads kube-system/aws-auth elsewhere",
                           "authorization.rbac: must name either a kubeconfig or inCluster: true",
                           "authorization.rbac: must name the cluster EKSConfigMap watches"}) {
    EXPECT_NE(bad.error().message.find(want), std::string::npos) << want << "\n" << bad.error().message;
  }
}

}  // namespace
}  // namespace kubeiam::config

namespace kubeiam::config {
namespace {

// The three-replica config of docs/high-availability.md is one kubeiam accepts.
TEST(ServerConfig, TheHighAvailabilityGuidesConfigIsValid) {
  std::ifstream in(std::string(KUBEIAM_TEST_DIR) + "/../docs/high-availability.md");
  std::string doc((std::istreambuf_iterator<char>(in)), {});
  size_t start = doc.find("```yaml\n");
  ASSERT_NE(start, std::string::npos);
  start += 8;
  std::string yaml = doc.substr(start, doc.find("```", start) - start);
  auto c = ParseConfig(yaml, "docs/high-availability.md");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_TRUE(c->etcd_store);
  EXPECT_EQ(c->etcd_store->endpoints.size(), 3u);
  EXPECT_EQ(c->etcd_store->prefix, "/kubeiam/prod/");
}

TEST(ServerConfig, EtcdStore) {
  auto c = ParseConfig(R"(
clusterID: demo
eksAPI: {}
store:
  etcd:
    endpoints: [https://10.0.0.1:2379, https://10.0.0.2:2379]
    prefix: /kubeiam/prod/
    caFile: pki/ca.crt
    certFile: pki/kubeiam.crt
    keyFile: pki/kubeiam.key
    username: kubeiam
    passwordFile: pki/etcd-password
)", "dir/c.yaml");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  ASSERT_TRUE(c->etcd_store);
  EXPECT_EQ(c->etcd_store->endpoints.size(), 2u);
  EXPECT_EQ(c->etcd_store->prefix, "/kubeiam/prod/");
  EXPECT_EQ(c->etcd_store->ca_file, "dir/pki/ca.crt");
  EXPECT_EQ(c->etcd_store->password_file, "dir/pki/etcd-password");
  auto bad = ParseConfig("clusterID: demo\nstore:\n  etcd:\n    endpoints: [10.0.0.1:2379, \"https://u:pw@10.0.0.2\", "
                         "\"http://10.0.0.3:2379\"]\n    username: u\n    passwordFile: p\n", "c.yaml");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message.find("pw@"), std::string::npos) << "no user information repeated";
  for (const char* want : {"c.yaml:4:17: store.etcd.endpoints[0]: must be an http:// or https:// URL",
                           "c.yaml:4:32: store.etcd.endpoints[1]: must not carry user information",
                           "store.etcd: a password goes to etcd over https only",
                           "store.etcd: is set but nothing keeps state in a store"}) {
    EXPECT_NE(bad.error().message.find(want), std::string::npos) << want << "\n" << bad.error().message;
  }
  EXPECT_FALSE(ParseConfig("clusterID: demo\nstore: {}\n", "c.yaml").has_value());
}

}  // namespace
}  // namespace kubeiam::config
