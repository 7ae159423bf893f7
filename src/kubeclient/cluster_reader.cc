#include "kubeclient/cluster_reader.h"

#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <iostream>

#include "kubeclient/cluster_kinds.h"
#include "kubeclient/object_list.h"

namespace kubeiam::kubeclient {
namespace {

namespace json = boost::json;

class ApiClusterObjects : public state::ClusterObjects {
 public:
  explicit ApiClusterObjects(KubeClient client) : client_(std::move(client)) {}

  Result<rbac::Objects> Rbac() override {
    json::array items;
    for (const auto& kind : RbacCollections()) {
      auto list = ListAll(client_, kind, [&](size_t n) { ShowProgress(kind, items.size() + n); });
      if (!list) return std::unexpected(list.error());
      for (auto& item : list->items) items.push_back(std::move(item));
    }
    if (progress_shown_) std::cerr << "\r\033[K" << std::flush;  // the progress line is done
    return ParseRbacItems(std::move(items), "context " + client_.context().context_name);
  }

  Result<std::optional<std::string>> AwsAuth() override {
    auto r = client_.Call("GET", kAwsAuthPath);
    if (!r) return std::unexpected(r.error());
    if (r->status == 404) return std::optional<std::string>();
    if (r->status != 200) return std::unexpected(Refusal(client_.context(), *r, "get", "configmaps (kube-system/aws-auth)"));
    return std::optional<std::string>(std::move(r->body));
  }

 private:
  // A large cluster takes a while: on a terminal, one line that says how far the read is.
  void ShowProgress(const Collection& kind, size_t count) {
    if (count < 500 || !isatty(STDERR_FILENO)) return;
    progress_shown_ = true;
    std::cerr << "\rreading RBAC from context " << client_.context().context_name << ": " << count << " objects ("
              << kind.resource() << ")" << std::flush;
  }

  KubeClient client_;
  bool progress_shown_ = false;
};

}  // namespace

std::shared_ptr<state::ClusterObjects> ReadClusterObjects(KubeClient client) {
  return std::make_shared<ApiClusterObjects>(std::move(client));
}

}  // namespace kubeiam::kubeclient
