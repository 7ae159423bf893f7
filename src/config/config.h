// `kubeiam serve --config FILE`: the reference authenticator's keys (spec/authenticator.md §3.3,
// §4.5) plus kubeiam's (awsAuthFile, sts.local, ...). Keys match without regard to case; paths
// are relative to the config file's folder. Every problem is reported, each naming the file,
// the key and the rule, and a config with any problem is refused whole.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "eks/authentication_mode.h"
#include "identity/mapping.h"
#include "util/error.h"

namespace kubeiam::config {

struct LocalStsConfig {
  std::string principals;  // path to principals.yaml
  std::string address = "127.0.0.1";
  int port = 21364;
  std::string HostPort() const;  // what tokens must name: "127.0.0.1:21364"
};

// eksAPI: EKS's access API on its own HTTPS listener, over the access-entry store.
struct EksApiConfig {
  std::string address = "127.0.0.1";
  int port = 21365;
  std::string region = "us-east-1";  // for ARNs
  std::string account_id;            // the cluster's account (ARNs, same-account node entries)
};

// kubeAPI.upstream: the API server the front proxies allowed requests to.
struct UpstreamConfig {
  std::string url;          // https://host[:port][/prefix]; http only to a loopback address
  std::string ca_file;      // PEM bundle the upstream's certificate must chain to (else the system's)
  std::string client_cert;  // kubeiam's client certificate and key (an identity allowed to impersonate)
  std::string client_key;
  std::string token_file;   // or a bearer token, re-read when the file changes
  // Who decides: kubeiam (its chain gates every request and answers the reviews) or the
  // upstream (kubeiam authenticates and checks impersonation; the rest, reviews included, is the
  // upstream's to decide). Spelled "kubeiam" and "upstream" in the file.
  enum class Authorization { kKubeiam, kUpstream };
  Authorization authorization = Authorization::kKubeiam;
  bool operator==(const UpstreamConfig&) const = default;
};

// kubeAPI.audit: the Kubernetes audit log of the front and the proxy, as kube-apiserver's
// --audit-policy-file, --audit-log-path, --audit-log-maxsize, --audit-log-maxage and
// --audit-log-maxbackup.
struct AuditConfig {
  std::string policy_file, path;
  int max_size_mb = 100, max_age_days = 30, max_backups = 10;
  bool operator==(const AuditConfig&) const = default;
};

// kubeAPI: the Kubernetes API front on its own HTTPS listener.
struct KubeApiConfig {
  std::string address = "127.0.0.1";
  int port = 6443;
  std::string objects;  // manifests served read-only (watched)
  // Manifests (a file or a folder) of stored kinds created in the store on its first start, as
  // a new cluster comes with its aws-auth; later starts leave the store as it is.
  std::string seed;
  std::optional<UpstreamConfig> upstream;
  std::optional<AuditConfig> audit;
  bool operator==(const KubeApiConfig&) const = default;
};

// A live cluster read through its API server: the context of a kubeconfig (its current one
// unless `context` names one), `master` replacing its server URL; with neither a kubeconfig nor
// a master, the pod's service account (in-cluster), as the reference authenticator does.
struct ClusterSourceConfig {
  std::string kubeconfig;
  std::string context;
  std::string master;
  bool InCluster() const { return kubeconfig.empty() && master.empty(); }
  bool operator==(const ClusterSourceConfig&) const = default;
};

// store.etcd: the state kept in etcd (replicas) instead of the SQLite file.
struct EtcdStoreConfig {
  std::vector<std::string> endpoints;  // http(s)://host:port, tried in turn
  std::string prefix = "/kubeiam/";    // every key under it
  std::string ca_file, cert_file, key_file;
  std::string username, password_file;  // etcd's own auth; the password read from a file
  bool operator==(const EtcdStoreConfig&) const = default;
};

struct Config {
  std::string file;  // where it was read from
  std::vector<std::string> warnings;  // keys accepted but ignored ("FILE:LINE:COL: key: ignored: why")
  std::string cluster_id;
  // server:
  std::string address = "127.0.0.1";
  int port = 21362;
  std::string state_dir = "./state";
  std::string hostname = "localhost";
  std::string partition = "aws";
  std::vector<std::string> backend_modes = {"MountedFile"};
  std::vector<identity::RoleMapping> map_roles;
  std::vector<identity::UserMapping> map_users;
  std::vector<std::string> map_accounts;
  std::string aws_auth_file;
  // EKSConfigMap without awsAuthFile (nor a front keeping objects): kube-system/aws-auth is
  // watched on this cluster (server.kubeconfig, server.kubeconfigContext, server.master).
  std::optional<ClusterSourceConfig> aws_auth_cluster;
  std::string dynamic_file;
  std::string access_entries_file;  // accessEntriesFile: a document ParseAccessEntries reads
  // accessEntriesStore: the SQLite store (default <stateDir>/access-entries.db with eksAPI);
  // its authentication mode, once created, is the one that counts.
  std::string access_entries_store;
  std::optional<EtcdStoreConfig> etcd_store;  // store.etcd: replaces access_entries_store
  std::optional<EksApiConfig> eks_api;
  std::optional<KubeApiConfig> kube_api;
  // authenticationMode; default API_AND_CONFIG_MAP when accessEntriesFile is set, else CONFIG_MAP.
  eks::AuthenticationMode authentication_mode = eks::AuthenticationMode::kConfigMap;
  bool dynamic_file_strict = false;
  std::set<std::string> scrubbed_accounts;
  std::vector<std::pair<std::string, std::vector<std::string>>> reserved_prefixes;  // backend -> prefixes
  int token_cache_seconds = 120;
  size_t max_token_bytes = 4096;
  int threads = 4;  // network threads: they never wait on a peer
  // Threads for requests that wait on STS, EC2 or the store (the rest never leave the network
  // threads): more than sts.maxInFlight, so that a slow STS leaves room for the others.
  int handler_threads = 64;
  // Open connections per listener; past it the oldest idle connection is closed, and a new one
  // is refused when none is idle.
  int max_connections = 4096;
  // {{EC2PrivateDNSName}} against real EC2 (local mode uses principals.yaml's instances).
  std::string ec2_role_arn;   // ec2DescribeInstancesRoleARN: assumed for DescribeInstances
  std::string ec2_endpoint;   // default https://ec2.<region>.amazonaws.com
  double ec2_qps = 15;
  int ec2_burst = 5;
  // sts:
  std::string sts_endpoint;  // optional override of where verification requests go
  std::string sts_ca_file;
  // STS calls waiting for an answer at once; past it a verification fails fast with 429
  // rather than queueing behind a slow STS.
  int sts_max_in_flight = 32;
  std::string region;        // the server's own region (host allow-list fallback)
  std::optional<LocalStsConfig> local_sts;
  // authorization: RBAC manifests (file or folder, watched) for /authorize's full chain and the
  // analysis commands; Kubernetes' default policy joins them unless bootstrapPolicy is false.
  std::string authorization_rbac;
  // authorization.rbac: {kubeconfig, context} or {inCluster: true}: the cluster's RBAC, watched.
  std::optional<ClusterSourceConfig> rbac_cluster;
  bool bootstrap_policy = true;
  // authorization.webhook: what POST /authorize decides with. "accessPolicies" (EKS: the API
  // server runs RBAC itself) or "full" (system:masters, RBAC, then access policies).
  enum class WebhookChain { kAccessPolicies, kFull };
  WebhookChain authorization_webhook = WebhookChain::kAccessPolicies;

  std::vector<std::string> ReservedPrefixesFor(std::string_view backend) const;
};

Result<Config> ParseConfig(std::string_view yaml, const std::string& file_name);
Result<Config> LoadConfig(const std::string& path);

}  // namespace kubeiam::config
