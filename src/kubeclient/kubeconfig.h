// A kubeconfig read as kubectl reads it: `--kubeconfig`, else every file of `KUBECONFIG`
// (':'-separated; for each named cluster, user and context the first file that defines it wins,
// as does the first current-context), else ~/.kube/config. Relative paths in a file are taken
// from that file's folder. The result is one resolved context: where to connect and as whom.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/tls_client.h"
#include "util/error.h"

namespace kubeiam::kubeclient {

// users[].user.exec: a credential plugin (client.authentication.k8s.io).
struct ExecPlugin {
  std::string api_version;
  std::string command;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
};

struct KubeContext {
  std::string context_name, cluster_name, user_name, namespace_name = "default";
  std::string server;                      // https://host:port
  std::string ca_file, ca_pem;             // certificate-authority(-data); both empty: system store
  std::string cert_file, cert_pem;         // client-certificate(-data)
  std::string key_file, key_pem;           // client-key(-data)
  std::string token, token_file;           // a bearer token, or a file re-read on each use
  std::optional<ExecPlugin> exec;
  // kSkipped only with the user's --insecure-skip-tls-verify (the CA is then dropped, as
  // kubectl drops it).
  http::PeerVerification peer = http::PeerVerification::kRequired;
};

struct KubeconfigSelection {
  std::string kubeconfig;  // --kubeconfig; empty: KUBECONFIG, then ~/.kube/config
  std::string context;     // --context; empty: current-context
  // --insecure-skip-tls-verify: the API server's certificate is not checked, and a kubeconfig's
  // insecure-skip-tls-verify is accepted (refused otherwise).
  http::PeerVerification peer = http::PeerVerification::kRequired;
};

// Errors (kInvalidArgument or kNotFound) name the file and the entry, as kubectl does:
// `context "x" does not exist`, `no server found for cluster "x"`,
// `insecure-skip-tls-verify is refused: give the cluster's certificate-authority, or accept it with
// --insecure-skip-tls-verify`.
// Inside a pod with no kubeconfig (nor --kubeconfig, --context): the in-cluster context.
Result<KubeContext> LoadKubeContext(const KubeconfigSelection& selection);

// The pod's service account, as client-go's rest.InClusterConfig reads it:
// https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT, trusting `dir`/ca.crt, with the
// token of `dir`/token (read again on every request: the kubelet rotates it) and the pod's
// namespace. Errors: not in a cluster (no KUBERNETES_SERVICE_HOST), or no token file.
inline constexpr char kServiceAccountDir[] = "/var/run/secrets/kubernetes.io/serviceaccount";
Result<KubeContext> InClusterContext(const std::string& dir = kServiceAccountDir);

// One kubeconfig's text (relative paths stay as written): what LoadKubeContext does per file.
Result<KubeContext> KubeContextFromText(const std::string& text, const std::string& context);

// The context to use for an EKS cluster name (eksctl's --cluster): the current context when its
// cluster is `cluster_name` (or an EKS cluster ARN ending in cluster/<name>, as
// `aws eks update-kubeconfig` names it), else the only context that is. Several, or none: an
// error listing them and asking for --context.
Result<std::string> ContextForCluster(const KubeconfigSelection& selection, const std::string& cluster_name);

// The EKS cluster a context's exec plugin gets tokens for: `aws eks get-token --cluster-name X
// [--region Y]`, `kubeiam token -i X` / `--cluster-name X`, `aws-iam-authenticator token -i X`.
struct EksClusterHint {
  std::string name, region;  // region empty: not given
};
std::optional<EksClusterHint> EksClusterOf(const KubeContext& context);

// The files a selection reads, in order (what a write through it would update first).
std::vector<std::string> KubeconfigFiles(const KubeconfigSelection& selection);

}  // namespace kubeiam::kubeclient
