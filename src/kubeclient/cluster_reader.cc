#include "kubeclient/cluster_reader.h"

#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <iostream>

#include "aws/sigv4.h"

namespace kubeiam::kubeclient {
namespace {

namespace json = boost::json;

constexpr char kRbacApi[] = "/apis/rbac.authorization.k8s.io/v1/";

struct Kind {
  const char* resource;
  const char* kind;
};
constexpr Kind kRbacKinds[] = {
    {"clusterroles", "ClusterRole"}, {"clusterrolebindings", "ClusterRoleBinding"}, {"roles", "Role"}, {"rolebindings", "RoleBinding"}};

class ApiClusterObjects : public state::ClusterObjects {
 public:
  explicit ApiClusterObjects(KubeClient client) : client_(std::move(client)) {}

  Result<rbac::Objects> Rbac() override {
    json::array items;
    for (const auto& k : kRbacKinds) {
      if (auto ok = ListInto(k, items); !ok) return std::unexpected(ok.error());
    }
    if (progress_shown_) std::cerr << "\r\033[K" << std::flush;  // the progress line is done
    std::string list = json::serialize(json::object{{"apiVersion", "v1"}, {"kind", "List"}, {"items", std::move(items)}});
    return rbac::ParseManifests(list, "context " + client_.context().context_name);
  }

  Result<std::optional<std::string>> AwsAuth() override {
    auto r = client_.Call("GET", "/api/v1/namespaces/kube-system/configmaps/aws-auth");
    if (!r) return std::unexpected(r.error());
    if (r->status == 404) return std::optional<std::string>();
    if (r->status != 200) return std::unexpected(Refused(*r, "get", "configmaps", "kube-system/aws-auth"));
    return std::optional<std::string>(std::move(r->body));
  }

 private:
  // Every object of one kind, following `continue`; the list's items carry no kind, so they
  // get theirs here.
  Status ListInto(const Kind& k, json::array& out) {
    std::string next;
    do {
      std::string path = std::string(kRbacApi) + k.resource + "?limit=500" + (next.empty() ? "" : "&continue=" + aws::UriEncode(next));
      auto r = client_.Call("GET", path);
      if (!r) return std::unexpected(r.error());
      if (r->status != 200) return std::unexpected(Refused(*r, "list", k.resource, ""));
      boost::system::error_code ec;
      json::value doc = json::parse(r->body, ec);
      const json::object* list = ec ? nullptr : doc.if_object();
      const json::value* items = list ? list->if_contains("items") : nullptr;
      if (!items || !items->is_array()) return Fail(ErrorCode::kFormat, "the cluster's " + std::string(k.resource) + " list is not a list");
      for (const auto& item : items->as_array()) {
        if (!item.is_object()) continue;
        json::object o = item.as_object();
        o["apiVersion"] = "rbac.authorization.k8s.io/v1";
        o["kind"] = k.kind;
        out.push_back(std::move(o));
      }
      ShowProgress(k.resource, out.size());
      const json::value* meta = list->if_contains("metadata");
      const json::value* cont = meta && meta->is_object() ? meta->as_object().if_contains("continue") : nullptr;
      next = cont && cont->is_string() ? std::string(cont->as_string()) : "";
    } while (!next.empty());
    return {};
  }

  // A large cluster takes a while: on a terminal, one line that says how far the read is.
  void ShowProgress(const char* resource, size_t count) {
    if (count < 500 || !isatty(STDERR_FILENO)) return;
    progress_shown_ = true;
    std::cerr << "\rreading RBAC from context " << client_.context().context_name << ": " << count << " objects ("
              << resource << ")" << std::flush;
  }

  Error Refused(const http::Response& r, const char* verb, const std::string& resource, const std::string& name) const {
    const KubeContext& c = client_.context();
    Error e = ApiError(r);
    std::string what = std::string(verb) + " " + resource + (name.empty() ? "" : " (" + name + ")");
    return e.Wrap("context " + c.context_name + " (user " + c.user_name + " on " + c.server + ") cannot " + what +
                  ": kubeiam needs get/list on the RBAC kinds and get on kube-system/aws-auth");
  }

  KubeClient client_;
  bool progress_shown_ = false;
};

}  // namespace

std::shared_ptr<state::ClusterObjects> ReadClusterObjects(KubeClient client) {
  return std::make_shared<ApiClusterObjects>(std::move(client));
}

}  // namespace kubeiam::kubeclient
