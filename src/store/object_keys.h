// Where the Kubernetes objects the front serves live in the key space, as kube-apiserver lays
// out etcd's /registry: one key per object, its value the object's JSON without its
// resourceVersion (which is the key's mod revision):
//   clusters/<name>/objects/<resource>/<name>               cluster-scoped kinds
//   clusters/<name>/objects/<resource>/<namespace>/<name>   namespaced kinds
// The served resources are unique across their API groups, so the group is not part of the key.
#pragma once

#include <string>
#include <string_view>

namespace kubeiam::store {

std::string ObjectsPrefix(std::string_view cluster);  // every object of the cluster
std::string ObjectResourcePrefix(std::string_view cluster, std::string_view resource);
// Namespaced kinds: the objects of one namespace.
std::string ObjectNamespacePrefix(std::string_view cluster, std::string_view resource, std::string_view ns);
// `ns` empty for cluster-scoped kinds.
std::string ObjectKey(std::string_view cluster, std::string_view resource, std::string_view ns, std::string_view name);

}  // namespace kubeiam::store
