#include "kubeclient/cluster_kinds.h"

#include <boost/json/serialize.hpp>

namespace kubeiam::kubeclient {

const std::vector<Collection>& RbacCollections() {
  static const std::vector<Collection> kinds = [] {
    const std::string api = "/apis/rbac.authorization.k8s.io/v1/";
    const std::string version = "rbac.authorization.k8s.io/v1";
    return std::vector<Collection>{{api + "clusterroles", version, "ClusterRole", ""},
                                   {api + "clusterrolebindings", version, "ClusterRoleBinding", ""},
                                   {api + "roles", version, "Role", ""},
                                   {api + "rolebindings", version, "RoleBinding", ""}};
  }();
  return kinds;
}

Collection AwsAuthCollection() {
  return {"/api/v1/namespaces/kube-system/configmaps", "v1", "ConfigMap", "metadata.name=aws-auth"};
}

Result<rbac::Objects> ParseRbacItems(boost::json::array items, const std::string& where) {
  boost::json::object list{{"apiVersion", "v1"}, {"kind", "List"}, {"items", std::move(items)}};
  return rbac::ParseManifests(boost::json::serialize(list), where);
}

}  // namespace kubeiam::kubeclient
