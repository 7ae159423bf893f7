// Kubeconfigs read as kubectl reads them: KUBECONFIG's files merged (first definition wins),
// relative paths from each file's folder, *-data fields decoded, errors in kubectl's words, and
// the context for an EKS cluster name.
#include "kubeclient/kubeconfig.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"
#include "util/encoding.h"

namespace kubeiam::kubeclient {
namespace {

constexpr char kFirst[] = R"(apiVersion: v1
kind: Config
clusters:
- name: lab
  cluster: {server: "https://127.0.0.1:6443", certificate-authority: certs/ca.crt}
- name: arn:aws:eks:us-east-1:111122223333:cluster/demo
  cluster: {server: "https://10.0.0.1", certificate-authority-data: )";

TEST(Kubeconfig, MergesKubeconfigFilesFirstDefinitionWins) {
  testing::TempDir dir;
  std::string first = dir.Write("a/config", std::string(kFirst) + Base64Encode("PEM") + R"(}
contexts:
- name: lab
  context: {cluster: lab, user: me, namespace: team}
- name: eks
  context: {cluster: "arn:aws:eks:us-east-1:111122223333:cluster/demo", user: plugin}
current-context: lab
users:
- name: me
  user: {tokenFile: token}
)");
  std::string second = dir.Write("b/config", R"(clusters:
- name: lab
  cluster: {server: "https://shadowed"}
users:
- name: plugin
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [eks, get-token, --cluster-name, demo]
      env: [{name: AWS_PROFILE, value: admin}]
current-context: eks
)");
  testing::ScopedEnv env;
  env.Set("KUBECONFIG", first + ":" + second);
  auto lab = LoadKubeContext({});
  ASSERT_TRUE(lab) << lab.error().message;
  EXPECT_EQ(lab->server, "https://127.0.0.1:6443");
  EXPECT_EQ(lab->ca_file, dir.path() + "/a/certs/ca.crt");
  EXPECT_EQ(lab->token_file, dir.path() + "/a/token");
  EXPECT_EQ(lab->namespace_name, "team");
  auto eks = LoadKubeContext({"", "eks"});
  ASSERT_TRUE(eks) << eks.error().message;
  EXPECT_EQ(eks->ca_pem, "PEM");
  EXPECT_EQ(eks->namespace_name, "default");
  ASSERT_TRUE(eks->exec);
  EXPECT_EQ(eks->exec->command, "aws");
  EXPECT_EQ(eks->exec->args.size(), 4u);
  EXPECT_EQ(eks->exec->env.front(), std::make_pair(std::string("AWS_PROFILE"), std::string("admin")));
  EXPECT_EQ(KubeconfigFiles({}), (std::vector<std::string>{first, second}));
  EXPECT_EQ(KubeconfigFiles({first, ""}), std::vector<std::string>{first});
}

TEST(Kubeconfig, ErrorsSayWhatKubectlSays) {
  testing::TempDir dir;
  std::string file = dir.Write("config", R"(clusters:
- name: open
  cluster: {server: "https://x", insecure-skip-tls-verify: true}
- name: noserver
  cluster: {}
contexts:
- {name: open, context: {cluster: open}}
- {name: noserver, context: {cluster: noserver}}
- {name: lost, context: {cluster: nowhere}}
)");
  EXPECT_EQ(LoadKubeContext({file, "nope"}).error().message, "context \"nope\" does not exist");
  EXPECT_EQ(LoadKubeContext({file, ""}).error().message, "current-context is not set and no --context was given");
  EXPECT_EQ(LoadKubeContext({file, "noserver"}).error().message, "no server found for cluster \"noserver\"");
  EXPECT_EQ(LoadKubeContext({file, "lost"}).error().message, "cluster \"nowhere\" does not exist");
  EXPECT_EQ(LoadKubeContext({file, "open"}).error().message,
            "cluster \"open\": insecure-skip-tls-verify is refused: give the cluster's certificate-authority, or accept "
            "it with --insecure-skip-tls-verify");
  // Asked for, it is accepted; and the flag alone skips the check (dropping the CA, as kubectl).
  auto asked = LoadKubeContext({file, "open", http::PeerVerification::kSkipped});
  ASSERT_TRUE(asked) << asked.error().message;
  EXPECT_EQ(asked->peer, http::PeerVerification::kSkipped);
  EXPECT_EQ(LoadKubeContext({dir.path() + "/missing", ""}).error().code, ErrorCode::kNotFound);
  std::string broken = dir.Write("broken", "clusters: [\n");
  EXPECT_NE(LoadKubeContext({broken, ""}).error().message.find("error loading config file \"" + broken + "\": line"),
            std::string::npos);
}

TEST(Kubeconfig, ContextForAnEksClusterName) {
  testing::TempDir dir;
  std::string file = dir.Write("config", R"(clusters:
- {name: "arn:aws:eks:us-east-1:111122223333:cluster/demo", cluster: {server: "https://a"}}
- {name: prod, cluster: {server: "https://b"}}
contexts:
- {name: admin, context: {cluster: "arn:aws:eks:us-east-1:111122223333:cluster/demo", user: a}}
- {name: testuser, context: {cluster: "arn:aws:eks:us-east-1:111122223333:cluster/demo", user: b}}
- {name: prod, context: {cluster: prod, user: c}}
current-context: testuser
)");
  EXPECT_EQ(*ContextForCluster({file, ""}, "demo"), "testuser");  // the current one, when it reaches it
  EXPECT_EQ(*ContextForCluster({file, ""}, "prod"), "prod");
  EXPECT_EQ(ContextForCluster({file, ""}, "staging").error().message,
            "no context of the kubeconfig reaches cluster \"staging\" (run aws eks update-kubeconfig --name staging)");
  std::string other = dir.Write("other", std::string(R"(clusters:
- {name: "arn:aws:eks:us-east-1:111122223333:cluster/demo", cluster: {server: "https://a"}}
contexts:
- {name: admin, context: {cluster: "arn:aws:eks:us-east-1:111122223333:cluster/demo"}}
- {name: testuser, context: {cluster: "arn:aws:eks:us-east-1:111122223333:cluster/demo"}}
)"));
  EXPECT_EQ(ContextForCluster({other, ""}, "demo").error().message,
            "2 contexts reach cluster \"demo\" (admin, testuser): choose one with --context");
}

TEST(Kubeconfig, TheEksClusterOfAnExecPlugin) {
  auto hint = [](std::string command, std::vector<std::string> args) {
    KubeContext c;
    c.exec = ExecPlugin{"client.authentication.k8s.io/v1beta1", std::move(command), std::move(args), {}};
    auto h = EksClusterOf(c);
    return h ? h->name + "@" + h->region : std::string("none");
  };
  EXPECT_EQ(hint("aws", {"--region", "eu-west-1", "eks", "get-token", "--cluster-name", "prod", "--output", "json"}), "prod@eu-west-1");
  EXPECT_EQ(hint("/usr/local/bin/kubeiam", {"token", "-i", "demo"}), "demo@");
  EXPECT_EQ(hint("aws-iam-authenticator", {"token", "--cluster-id=lab", "--region=us-west-2"}), "lab@us-west-2");
  EXPECT_EQ(hint("gke-gcloud-auth-plugin", {}), "none");
  EXPECT_EQ(hint("aws", {"sts", "get-caller-identity"}), "none");
  EXPECT_FALSE(EksClusterOf(KubeContext{}));
}

}  // namespace
}  // namespace kubeiam::kubeclient

namespace kubeiam::kubeclient {
namespace {

// Inside a pod: the API server from the environment, the mounted CA, token and namespace.
TEST(Kubeconfig, InClusterServiceAccount) {
  testing::TempDir dir;
  testing::ScopedEnv env;
  env.Unset("KUBERNETES_SERVICE_HOST").Unset("KUBERNETES_SERVICE_PORT");
  EXPECT_EQ(InClusterContext(dir.path()).error().message,
            "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set");
  env.Set("KUBERNETES_SERVICE_HOST", "fd00::1").Set("KUBERNETES_SERVICE_PORT", "443");
  EXPECT_EQ(InClusterContext(dir.path()).error().message, "in-cluster: no service account token at " + dir.path() + "/token");
  dir.Write("token", "eyJhbGciOi...\n");
  dir.Write("namespace", "kube-system");
  auto c = InClusterContext(dir.path());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->server, "https://[fd00::1]:443");
  EXPECT_EQ(c->ca_file, dir.path() + "/ca.crt");
  EXPECT_EQ(c->token_file, dir.path() + "/token");
  EXPECT_EQ(c->namespace_name, "kube-system");
  EXPECT_FALSE(c->exec);
}

}  // namespace
}  // namespace kubeiam::kubeclient
