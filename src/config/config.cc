#include "config/config.h"

#include <yaml-cpp/yaml.h>

#include "config/yaml_reader.h"

#include "aws/arn.h"
#include "aws/partitions.h"
#include "identity/mapper_chain.h"
#include "http/upstream.h"
#include "util/file.h"
#include "util/strings.h"
#include "util/tree_view.h"
#include "util/utf8.h"

namespace kubeiam::config {
namespace {

// A message without the "field: " its maker put in front (the reader adds its own).
std::string AfterField(const std::string& message) {
  size_t colon = message.find(": ");
  return colon == std::string::npos ? message : message.substr(colon + 2);
}

// The config's reader: YamlReader plus the listener shape eksAPI and kubeAPI share.
struct Reader : YamlReader {
  using YamlReader::YamlReader;
  // address and port of an optional listener section (eksAPI, kubeAPI).
  void Listener(const YAML::Node& section, const std::string& name, std::string& address, int& port) {
    if (!section.IsMap() && !section.IsNull()) Problem(name, "must be a mapping");
    String(section, "address", name + ".address", address);
    Int(section, "port", name + ".port", 1, 65535, port);
  }
};

std::string Resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path.starts_with("/")) return path;
  if (path.starts_with("~/")) return GetEnv("HOME") + path.substr(1);
  return base_dir + "/" + path;
}

// The sections of a config, read in the order their problems are reported.

void ReadServerBasics(Reader& r, const YAML::Node& s, Config& c) {
  r.String(s, "address", "server.address", c.address);
  r.Int(s, "port", "server.port", 1, 65535, c.port);
  r.String(s, "stateDir", "server.stateDir", c.state_dir);
  r.String(s, "hostname", "server.hostname", c.hostname);
  r.String(s, "partition", "server.partition", c.partition);
  if (!aws::FindPartition(c.partition)) r.Problem("server.partition", "invalid partition \"" + c.partition + "\"");
  if (YAML::Node modes = r.Get(s, "backendMode", "server.backendMode")) {
    std::vector<std::string> list;
    if (modes.IsScalar()) {
      for (auto m : Split(modes.Scalar(), ',')) list.emplace_back(Trim(m));
    } else {
      list = r.Strings(s, "backendMode", "server.backendMode");
    }
    auto valid = identity::ValidateBackendModes(list);
    if (!valid) {
      r.Problem("server.backendMode", AfterField(valid.error().message));
    } else {
      c.backend_modes = *valid;
    }
  }
}

void ReadMapRoles(Reader& r, const YAML::Node& s, Config& c) {
  if (YAML::Node roles = r.Get(s, "mapRoles", "server.mapRoles")) {
    if (!roles.IsSequence()) r.Problem("server.mapRoles", "must be a list");
    for (size_t i = 0; roles.IsSequence() && i < roles.size(); ++i) {
      std::string path = "server.mapRoles[" + std::to_string(i) + "]";
      const YAML::Node e = roles[i];
      identity::RoleMapping m;
      r.String(e, "rolearn", path + ".rolearn", m.rolearn);
      r.String(e, "username", path + ".username", m.username);
      r.String(e, "userid", path + ".userid", m.userid);
      m.groups = r.Strings(e, "groups", path + ".groups");
      if (YAML::Node sso = r.Get(e, "sso", path + ".sso")) {
        identity::SsoMatcher sm;
        r.String(sso, "permissionSetName", path + ".sso.permissionSetName", sm.permission_set_name);
        r.String(sso, "accountID", path + ".sso.accountID", sm.account_id);
        r.String(sso, "partition", path + ".sso.partition", sm.partition);
        m.sso = sm;
      }
      if (auto ok = m.Validate(); !ok) r.Problem(path, ok.error().message);
      if (m.username.empty()) r.Problem(path + ".username", "is required");
      c.map_roles.push_back(std::move(m));
    }
  }
}

void ReadMapUsers(Reader& r, const YAML::Node& s, Config& c) {
  if (YAML::Node users = r.Get(s, "mapUsers", "server.mapUsers")) {
    if (!users.IsSequence()) r.Problem("server.mapUsers", "must be a list");
    for (size_t i = 0; users.IsSequence() && i < users.size(); ++i) {
      std::string path = "server.mapUsers[" + std::to_string(i) + "]";
      identity::UserMapping m;
      r.String(users[i], "userarn", path + ".userarn", m.userarn);
      r.String(users[i], "username", path + ".username", m.username);
      r.String(users[i], "userid", path + ".userid", m.userid);
      m.groups = r.Strings(users[i], "groups", path + ".groups");
      if (auto ok = m.Validate(); !ok) r.Problem(path, ok.error().message);
      if (m.username.empty()) r.Problem(path + ".username", "is required");
      c.map_users.push_back(std::move(m));
    }
  }
}

void ReadServerFiles(Reader& r, const YAML::Node& s, Config& c) {
  c.map_accounts = r.Strings(s, "mapAccounts", "server.mapAccounts");
  r.String(s, "awsAuthFile", "server.awsAuthFile", c.aws_auth_file);
  r.String(s, "dynamicfilepath", "server.dynamicfilepath", c.dynamic_file);
  r.Bool(s, "dynamicfileUserIDStrict", "server.dynamicfileUserIDStrict", c.dynamic_file_strict);
  r.String(s, "accessEntriesFile", "server.accessEntriesFile", c.access_entries_file);
  r.String(s, "accessEntriesStore", "server.accessEntriesStore", c.access_entries_store);
  ClusterSourceConfig cluster;
  r.String(s, "kubeconfig", "server.kubeconfig", cluster.kubeconfig);
  r.String(s, "kubeconfigContext", "server.kubeconfigContext", cluster.context);
  r.String(s, "master", "server.master", cluster.master);
  if (!cluster.master.empty() && !cluster.master.starts_with("https://")) r.Problem("server.master", "must be an https:// URL");
  if (cluster != ClusterSourceConfig{}) c.aws_auth_cluster = cluster;
}

void ReadEksApi(Reader& r, const YAML::Node& doc, Config& c) {
  if (YAML::Node api = r.Get(doc, "eksAPI", "eksAPI")) {
    EksApiConfig e;
    r.Listener(api, "eksAPI", e.address, e.port);
    r.String(api, "region", "eksAPI.region", e.region);
    r.String(api, "accountID", "eksAPI.accountID", e.account_id);
    if (!e.account_id.empty() && (e.account_id.size() != 12 || e.account_id.find_first_not_of("0123456789") != std::string::npos)) {
      r.Problem("eksAPI.accountID", "must be a 12-digit AWS account ID");
    }
    c.eks_api = e;
  }
}

UpstreamConfig ReadUpstream(Reader& r, const YAML::Node& up, const std::string& base, const KubeApiConfig& k) {
  UpstreamConfig u;
  if (!up.IsMap()) r.Problem("kubeAPI.upstream", "must be a mapping with url (and caFile, clientCert, clientKey or tokenFile)");
  r.String(up, "url", "kubeAPI.upstream.url", u.url);
  if (!u.url.empty()) {
    if (auto url = http::ParseUpstreamUrl(u.url, "kubeAPI.upstream.url"); !url) r.Problem("kubeAPI.upstream.url", AfterField(url.error().message));
  }
  r.String(up, "caFile", "kubeAPI.upstream.caFile", u.ca_file);
  r.String(up, "clientCert", "kubeAPI.upstream.clientCert", u.client_cert);
  r.String(up, "clientKey", "kubeAPI.upstream.clientKey", u.client_key);
  r.String(up, "tokenFile", "kubeAPI.upstream.tokenFile", u.token_file);
  using Who = UpstreamConfig::Authorization;
  r.Choice(up, "authorization", "kubeAPI.upstream.authorization", {"kubeiam", Who::kKubeiam}, {"upstream", Who::kUpstream},
           u.authorization);
  if (up.IsMap() && u.url.empty()) r.Problem("kubeAPI.upstream.url", "is required");
  if (u.client_cert.empty() != u.client_key.empty()) {
    r.Problem(u.client_cert.empty() ? "kubeAPI.upstream.clientCert" : "kubeAPI.upstream.clientKey",
              "clientCert and clientKey go together");
  }
  if (!k.objects.empty()) r.Problem("kubeAPI.objects", "cannot be combined with kubeAPI.upstream (objects come from the upstream)");
  if (!k.seed.empty()) r.Problem("kubeAPI.seed", "cannot be combined with kubeAPI.upstream (objects come from the upstream)");
  u.ca_file = Resolve(base, u.ca_file);
  u.client_cert = Resolve(base, u.client_cert);
  u.client_key = Resolve(base, u.client_key);
  u.token_file = Resolve(base, u.token_file);
  return u;
}

AuditConfig ReadAudit(Reader& r, const YAML::Node& audit, const std::string& base) {
  AuditConfig a;
  if (!audit.IsMap()) r.Problem("kubeAPI.audit", "must be a mapping with policyFile and path");
  r.String(audit, "policyFile", "kubeAPI.audit.policyFile", a.policy_file);
  r.String(audit, "path", "kubeAPI.audit.path", a.path);
  r.Int(audit, "maxSizeMB", "kubeAPI.audit.maxSizeMB", 0, 1 << 20, a.max_size_mb);
  r.Int(audit, "maxAgeDays", "kubeAPI.audit.maxAgeDays", 0, 36500, a.max_age_days);
  r.Int(audit, "maxBackups", "kubeAPI.audit.maxBackups", 0, 100000, a.max_backups);
  if (audit.IsMap() && a.policy_file.empty()) r.Problem("kubeAPI.audit.policyFile", "is required");
  if (audit.IsMap() && a.path.empty()) r.Problem("kubeAPI.audit.path", "is required");
  a.policy_file = Resolve(base, a.policy_file);
  a.path = Resolve(base, a.path);
  return a;
}

void ReadKubeApi(Reader& r, const YAML::Node& doc, const std::string& base, Config& c) {
  if (YAML::Node kube = r.Get(doc, "kubeAPI", "kubeAPI")) {
    KubeApiConfig k;
    r.Listener(kube, "kubeAPI", k.address, k.port);
    r.String(kube, "objects", "kubeAPI.objects", k.objects);
    k.objects = Resolve(base, k.objects);
    r.String(kube, "seed", "kubeAPI.seed", k.seed);
    k.seed = Resolve(base, k.seed);
    if (YAML::Node up = r.Get(kube, "upstream", "kubeAPI.upstream")) k.upstream = ReadUpstream(r, up, base, k);
    if (YAML::Node audit = r.Get(kube, "audit", "kubeAPI.audit")) k.audit = ReadAudit(r, audit, base);
    c.kube_api = k;
  }
}

// The authentication mode (its default follows where access entries come from), scrubbed
// accounts and reserved prefixes.
void ReadAuthenticationMode(Reader& r, const YAML::Node& s, Config& c) {
  if (!c.access_entries_file.empty() && !c.access_entries_store.empty()) {
    r.Problem("server.accessEntriesStore", "cannot be combined with server.accessEntriesFile (one source of access entries)");
  }
  if (!c.access_entries_file.empty() || !c.access_entries_store.empty() || c.eks_api) {
    c.authentication_mode = eks::AuthenticationMode::kApiAndConfigMap;
  }
  std::string mode;
  r.String(s, "authenticationMode", "server.authenticationMode", mode);
  if (!mode.empty()) {
    if (auto m = eks::ParseAuthenticationMode(mode); m) {
      c.authentication_mode = *m;
    } else {
      r.Problem("server.authenticationMode", "must be one of API, API_AND_CONFIG_MAP, CONFIG_MAP (got \"" + mode + "\")");
    }
  }
  for (auto& a : r.Strings(s, "scrubbedAccounts", "server.scrubbedAccounts")) c.scrubbed_accounts.insert(a);
  if (YAML::Node rp = r.Get(s, "reservedPrefixConfig", "server.reservedPrefixConfig")) {
    for (size_t i = 0; rp.IsSequence() && i < rp.size(); ++i) {
      std::string path = "server.reservedPrefixConfig[" + std::to_string(i) + "]";
      std::string mode;
      r.String(rp[i], "backendmode", path + ".backendmode", mode);
      c.reserved_prefixes.emplace_back(mode, r.Strings(rp[i], "usernamePrefixReserveList", path + ".usernamePrefixReserveList"));
    }
  }
}

void ReadLimits(Reader& r, const YAML::Node& s, Config& c) {
  r.Int(s, "tokenCacheSeconds", "server.tokenCacheSeconds", 0, 900, c.token_cache_seconds);
  int max_token = int(c.max_token_bytes);
  r.Int(s, "maxTokenBytes", "server.maxTokenBytes", 1024, 65536, max_token);
  c.max_token_bytes = size_t(max_token);
  r.Int(s, "threads", "server.threads", 1, 256, c.threads);
  r.Int(s, "handlerThreads", "server.handlerThreads", 1, 1024, c.handler_threads);
  r.Int(s, "maxConnections", "server.maxConnections", 1, 1000000, c.max_connections);
  r.String(s, "ec2DescribeInstancesRoleARN", "server.ec2DescribeInstancesRoleARN", c.ec2_role_arn);
  r.String(s, "ec2Endpoint", "server.ec2Endpoint", c.ec2_endpoint);
  int qps = int(c.ec2_qps);
  r.Int(s, "ec2DescribeInstancesQps", "server.ec2DescribeInstancesQps", 0, 10000, qps);
  c.ec2_qps = qps;
  r.Int(s, "ec2DescribeInstancesBurst", "server.ec2DescribeInstancesBurst", 1, 10000, c.ec2_burst);
  if (!c.ec2_role_arn.empty()) {
    auto arn = aws::Canonicalize(c.ec2_role_arn);
    if (!arn || arn->type != aws::PrincipalType::kRole) {
      r.Problem("server.ec2DescribeInstancesRoleARN", "must be an IAM role ARN");
    }
  }
}

void ReadStore(Reader& r, const YAML::Node& doc, const std::string& base, Config& c) {
  YAML::Node store = r.Get(doc, "store", "store");
  if (!store) return;
  if (!store.IsMap()) return r.Problem("store", "must be a mapping with etcd");
  YAML::Node etcd = r.Get(store, "etcd", "store.etcd");
  if (!etcd || !etcd.IsMap()) return r.Problem("store.etcd", "must be a mapping with endpoints (and prefix, caFile, certFile, keyFile, username, passwordFile)");
  EtcdStoreConfig e;
  e.endpoints = r.Strings(etcd, "endpoints", "store.etcd.endpoints");
  if (e.endpoints.empty()) r.Problem("store.etcd.endpoints", "at least one is required");
  for (size_t i = 0; i < e.endpoints.size(); ++i) {
    // Named by position: an endpoint may carry what must not be repeated (user:password@).
    const std::string& url = e.endpoints[i];
    std::string at = "store.etcd.endpoints[" + std::to_string(i) + "]";
    if (!url.starts_with("http://") && !url.starts_with("https://")) r.Problem(at, "must be an http:// or https:// URL");
    if (url.find('@') != std::string::npos) r.Problem(at, "must not carry user information (use username and passwordFile)");
  }
  r.String(etcd, "prefix", "store.etcd.prefix", e.prefix);
  r.String(etcd, "caFile", "store.etcd.caFile", e.ca_file);
  r.String(etcd, "certFile", "store.etcd.certFile", e.cert_file);
  r.String(etcd, "keyFile", "store.etcd.keyFile", e.key_file);
  r.String(etcd, "username", "store.etcd.username", e.username);
  r.String(etcd, "passwordFile", "store.etcd.passwordFile", e.password_file);
  if (e.username.empty() != e.password_file.empty()) r.Problem("store.etcd", "username and passwordFile go together");
  for (const auto& url : e.endpoints) {
    bool loopback = url.starts_with("http://127.") || url.starts_with("http://[::1]") || url.starts_with("http://localhost");
    if (!e.username.empty() && url.starts_with("http://") && !loopback) {
      r.Problem("store.etcd", "a password goes to etcd over https only (or http on loopback)");
      break;
    }
  }
  for (auto* path : {&e.ca_file, &e.cert_file, &e.key_file, &e.password_file}) *path = Resolve(base, *path);
  c.etcd_store = std::move(e);
}

// Rules across sections: each backend has its file, and the mode does not ignore what is set.
void CheckBackends(Reader& r, Config& c) {
  auto has = [&](std::string_view mode) {
    return std::find(c.backend_modes.begin(), c.backend_modes.end(), mode) != c.backend_modes.end();
  };
  // A Kubernetes front that keeps objects serves kube-system/aws-auth itself.
  bool front_keeps_objects = c.kube_api && !c.kube_api->upstream && c.access_entries_file.empty();
  // As the reference: EKSConfigMap reads the cluster named by kubeconfig/master, else the one
  // the pod runs in.
  bool from_cluster = c.aws_auth_cluster || !GetEnv("KUBERNETES_SERVICE_HOST").empty();
  if (has(identity::kEksConfigMap) && c.aws_auth_file.empty() && !front_keeps_objects) {
    if (!from_cluster) {
      r.Problem("server.awsAuthFile", "is required when backendMode includes EKSConfigMap, unless server.kubeconfig or "
                                      "server.master names the cluster to watch kube-system/aws-auth on (or kubeiam runs in a pod)");
    } else if (!c.aws_auth_cluster) {
      c.aws_auth_cluster = ClusterSourceConfig{};
    }
  }
  if (c.aws_auth_cluster && (!has(identity::kEksConfigMap) || !c.aws_auth_file.empty() || front_keeps_objects)) {
    r.Problem("server.kubeconfig", "is set but EKSConfigMap reads kube-system/aws-auth elsewhere (awsAuthFile, the front's store) or is not in backendMode");
  }
  if (!c.aws_auth_file.empty() && !has(identity::kEksConfigMap)) {
    r.Problem("server.awsAuthFile", "is set but backendMode does not include EKSConfigMap");
  }
  if (has(identity::kDynamicFile) && c.dynamic_file.empty()) {
    r.Problem("server.dynamicfilepath", "is required when backendMode includes DynamicFile");
  }
  if (!c.dynamic_file.empty() && !has(identity::kDynamicFile)) {
    r.Problem("server.dynamicfilepath", "is set but backendMode does not include DynamicFile");
  }
  if (!c.access_entries_file.empty() && !eks::UsesAccessEntries(c.authentication_mode)) {
    r.Problem("server.accessEntriesFile", "is set but server.authenticationMode is CONFIG_MAP, which ignores access entries");
  }
  if (c.eks_api && !c.access_entries_file.empty()) {
    r.Problem("eksAPI", "writes to the access-entry store, which cannot be combined with server.accessEntriesFile");
  }
  if (has(identity::kAccessEntry) && !eks::UsesAccessEntries(c.authentication_mode)) {
    r.Problem("server.backendMode", "lists AccessEntry but server.authenticationMode is CONFIG_MAP");
  }
  if (has(identity::kCrd)) r.Problem("server.backendMode", "CRD is not supported by kubeiam; use EKSConfigMap or DynamicFile");
  if (c.etcd_store && !c.eks_api && !front_keeps_objects) {
    r.Problem("store.etcd", "is set but nothing keeps state in a store: add eksAPI, or kubeAPI without an upstream");
  }
  if (c.etcd_store && !c.access_entries_file.empty()) {
    r.Problem("store.etcd", "cannot be combined with server.accessEntriesFile (the entries live in etcd)");
  }
}

void ReadSts(Reader& r, const YAML::Node& doc, const std::string& base, Config& c) {
  YAML::Node sts = r.Get(doc, "sts", "sts");
  r.String(sts, "endpoint", "sts.endpoint", c.sts_endpoint);
  r.String(sts, "caFile", "sts.caFile", c.sts_ca_file);
  r.Int(sts, "maxInFlight", "sts.maxInFlight", 1, 1024, c.sts_max_in_flight);
  r.String(sts, "region", "sts.region", c.region);
  if (YAML::Node local = r.Get(sts, "local", "sts.local")) {
    LocalStsConfig l;
    r.String(local, "principals", "sts.local.principals", l.principals);
    r.String(local, "address", "sts.local.address", l.address);
    r.Int(local, "port", "sts.local.port", 1, 65535, l.port);
    if (l.principals.empty()) r.Problem("sts.local.principals", "is required for the local STS");
    l.principals = Resolve(base, l.principals);
    c.local_sts = l;
    if (!c.sts_endpoint.empty()) r.Problem("sts.endpoint", "cannot be combined with sts.local");
  }
}

void ReadAuthorization(Reader& r, const YAML::Node& doc, Config& c) {
  YAML::Node authz = r.Get(doc, "authorization", "authorization");
  if (authz && !authz.IsMap() && !authz.IsNull()) r.Problem("authorization", "must be a mapping");
  YAML::Node rbac = r.Get(authz, "rbac", "authorization.rbac");
  if (rbac && rbac.IsMap()) {
    ClusterSourceConfig cluster;
    r.String(rbac, "kubeconfig", "authorization.rbac.kubeconfig", cluster.kubeconfig);
    r.String(rbac, "context", "authorization.rbac.context", cluster.context);
    bool in_cluster = false;
    r.Bool(rbac, "inCluster", "authorization.rbac.inCluster", in_cluster);
    if (in_cluster == !cluster.kubeconfig.empty()) {
      r.Problem("authorization.rbac", "must name either a kubeconfig or inCluster: true");
    }
    c.rbac_cluster = cluster;
  } else {
    r.String(authz, "rbac", "authorization.rbac", c.authorization_rbac);
  }
  r.Bool(authz, "bootstrapPolicy", "authorization.bootstrapPolicy", c.bootstrap_policy);
  using Chain = Config::WebhookChain;
  r.Choice(authz, "webhook", "authorization.webhook", {"accessPolicies", Chain::kAccessPolicies}, {"full", Chain::kFull},
           c.authorization_webhook);
}

// Paths in the file are relative to the file's folder.
void ResolvePaths(const std::string& base, Config& c) {
  c.authorization_rbac = Resolve(base, c.authorization_rbac);
  c.access_entries_file = Resolve(base, c.access_entries_file);
  c.state_dir = Resolve(base, c.state_dir);
  c.access_entries_store = Resolve(base, c.access_entries_store);
  // The EKS API and a Kubernetes front without an upstream keep their state in the store.
  // (A config that keeps access entries in a file gets no store, and its front serves the
  // objects folder only.)
  bool front_keeps_objects = c.kube_api && !c.kube_api->upstream && c.access_entries_file.empty();
  if ((c.eks_api || front_keeps_objects) && c.access_entries_store.empty()) c.access_entries_store = c.state_dir + "/access-entries.db";
  c.aws_auth_file = Resolve(base, c.aws_auth_file);
  c.dynamic_file = Resolve(base, c.dynamic_file);
  c.sts_ca_file = Resolve(base, c.sts_ca_file);
  for (auto* cluster : {&c.aws_auth_cluster, &c.rbac_cluster}) {
    if (*cluster) (*cluster)->kubeconfig = Resolve(base, (*cluster)->kubeconfig);
  }
}

// Keys the reference authenticator reads that kubeiam has no use for: accepted, so that its
// configs load as they are, each with a warning saying why it changes nothing.
void ReadReferenceOnlyKeys(Reader& r, const YAML::Node& s) {
  r.Ignored(s, "generateKubeconfig", "server.generateKubeconfig",
            "kubeiam writes its webhook kubeconfigs into server.stateDir (kubeconfig.yaml, authorize-kubeconfig.yaml)");
  r.Ignored(s, "kubeconfigPregenerated", "server.kubeconfigPregenerated",
            "kubeiam writes its webhook kubeconfigs into server.stateDir whatever this says");
  r.Ignored(s, "sourceARN", "server.sourceARN", "kubeiam's EC2 lookups assume ec2DescribeInstancesRoleARN without a source ARN");
  r.Ignored(s, "dynamicBackendModePath", "server.dynamicBackendModePath",
            "kubeiam reads server.backendMode from this file again on SIGHUP instead");
}

// Every section, in the order its problems are reported.
void ReadAll(Reader& r, const YAML::Node& doc, const std::string& base, Config& c) {
  r.String(doc, "clusterID", "clusterID", c.cluster_id);
  if (c.cluster_id.empty()) r.Problem("clusterID", "cluster ID cannot be empty");
  YAML::Node s = r.Get(doc, "server", "server");
  if (s && !s.IsMap()) r.Problem("server", "must be a mapping");
  ReadServerBasics(r, s, c);
  ReadMapRoles(r, s, c);
  ReadMapUsers(r, s, c);
  ReadServerFiles(r, s, c);
  ReadReferenceOnlyKeys(r, s);
  ReadEksApi(r, doc, c);
  ReadKubeApi(r, doc, base, c);
  ReadAuthenticationMode(r, s, c);
  ReadLimits(r, s, c);
  ReadStore(r, doc, base, c);
  CheckBackends(r, c);
  ReadSts(r, doc, base, c);
  ReadAuthorization(r, doc, c);
  if (c.rbac_cluster && c.aws_auth_cluster && *c.rbac_cluster != *c.aws_auth_cluster) {
    r.Problem("authorization.rbac", "must name the cluster EKSConfigMap watches (server.kubeconfig): kubeiam watches one cluster");
  }
  ResolvePaths(base, c);
}

}  // namespace

std::string LocalStsConfig::HostPort() const {
  std::string host = address.find(':') != std::string::npos ? "[" + address + "]" : address;
  return host + ":" + std::to_string(port);
}

std::vector<std::string> Config::ReservedPrefixesFor(std::string_view backend) const {
  for (const auto& [b, prefixes] : reserved_prefixes) {
    if (b == backend) return prefixes;
  }
  return {};
}

Result<Config> ParseConfig(std::string_view text, const std::string& file_name) {
  if (auto ok = ValidateUtf8(text, file_name); !ok) return std::unexpected(ok.error());
  Reader r(file_name);
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Fail(ErrorCode::kInvalidArgument, PositionOf(e.mark).In(file_name) + ": not valid YAML: " + e.msg);
  }
  if (!doc.IsMap()) return Fail(ErrorCode::kInvalidArgument, file_name + ": must be a YAML mapping");
  Config c;
  c.file = file_name;
  std::string base = file_name.find('/') == std::string::npos ? "." : file_name.substr(0, file_name.rfind('/'));
  ReadAll(r, doc, base, c);
  r.CheckUnknownKeys(doc);
  if (!r.problems().empty()) return Fail(ErrorCode::kInvalidArgument, Join(r.problems(), "\n"));
  c.warnings = r.warnings();
  return c;
}

Result<Config> LoadConfig(const std::string& path) {
  auto text = ReadFile(path, 4u << 20);
  if (!text) return std::unexpected(text.error());
  return ParseConfig(*text, path);
}

}  // namespace kubeiam::config
