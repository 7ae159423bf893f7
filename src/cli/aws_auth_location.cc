#include "cli/aws_auth_location.h"

#include <boost/json/serialize.hpp>

#include "kubeapi/manifests.h"
#include "kubeclient/kube_client.h"
#include "util/file.h"

namespace kubeiam::cli {
namespace {

constexpr char kConfigMaps[] = "/api/v1/namespaces/kube-system/configmaps";

class FileLocation : public AwsAuthLocation {
 public:
  explicit FileLocation(std::string path) : path_(std::move(path)) {}
  Result<std::string> Read() override { return ReadFile(path_); }
  Result<WriteOutcome> Write(const std::string& manifest) override {
    if (auto ok = WriteFileAtomic(path_, manifest, 0644); !ok) return std::unexpected(ok.error());
    return WriteOutcome::kWritten;
  }
  std::string Name() const override { return path_; }

 private:
  std::string path_;
};

class ClusterLocation : public AwsAuthLocation {
 public:
  explicit ClusterLocation(kubeclient::KubeClient client) : client_(std::move(client)) {}
  Result<std::string> Read() override {
    auto r = client_.Call("GET", std::string(kConfigMaps) + "/aws-auth");
    if (!r) return std::unexpected(r.error());
    exists_ = r->status != 404;
    if (!exists_) return std::string();
    if (r->status != 200) return std::unexpected(kubeclient::ApiError(*r));
    return r->body;
  }
  Result<WriteOutcome> Write(const std::string& manifest) override {
    auto objects = kubeapi::ParseManifestObjects(manifest, "aws-auth");
    if (!objects) return std::unexpected(objects.error());
    std::string body = boost::json::serialize(objects->front());
    auto r = exists_ ? client_.Call("PUT", std::string(kConfigMaps) + "/aws-auth", body)
                     : client_.Call("POST", kConfigMaps, body);
    if (!r) return std::unexpected(r.error());
    if (kubeclient::IsConflict(*r)) return WriteOutcome::kConflict;  // changed, or created, meanwhile
    if (r->status / 100 != 2) return std::unexpected(kubeclient::ApiError(*r));
    return WriteOutcome::kWritten;
  }
  std::string Name() const override { return "configmap kube-system/aws-auth"; }

 private:
  kubeclient::KubeClient client_;
  bool exists_ = false;
};

}  // namespace

std::unique_ptr<AwsAuthLocation> AwsAuthFile(const std::string& path) { return std::make_unique<FileLocation>(path); }

CLI::Option* AddInsecureSkipTlsVerify(CLI::App* cmd, bool& flag) {
  return cmd->add_flag("--insecure-skip-tls-verify", flag,
                       "Do not check the API server's certificate (and accept a kubeconfig's insecure-skip-tls-verify)");
}

http::PeerVerification PeerAsked(bool insecure_skip_tls_verify) {
  return insecure_skip_tls_verify ? http::PeerVerification::kSkipped : http::PeerVerification::kRequired;
}

Result<std::unique_ptr<AwsAuthLocation>> AwsAuthInCluster(const ClusterSelection& selection) {
  kubeclient::KubeconfigSelection which{selection.kubeconfig, selection.context, PeerAsked(selection.insecure_skip_tls_verify)};
  if (which.context.empty() && !selection.cluster_name.empty()) {
    auto name = kubeclient::ContextForCluster(which, selection.cluster_name);
    if (!name) return std::unexpected(name.error());
    which.context = *name;
  }
  auto context = kubeclient::LoadKubeContext(which);
  if (!context) return std::unexpected(context.error());
  auto client = kubeclient::KubeClient::Open(std::move(*context));
  if (!client) return std::unexpected(client.error());
  return std::unique_ptr<AwsAuthLocation>(std::make_unique<ClusterLocation>(std::move(*client)));
}

}  // namespace kubeiam::cli
