#include "store/object_keys.h"

#include "store/access_keys.h"
#include "store/key_segment.h"

namespace kubeiam::store {

std::string ObjectsPrefix(std::string_view cluster) { return ClusterPrefix(cluster) + "objects/"; }

std::string ObjectResourcePrefix(std::string_view cluster, std::string_view resource) {
  return ObjectsPrefix(cluster) + KeySegment(resource) + "/";
}

std::string ObjectNamespacePrefix(std::string_view cluster, std::string_view resource, std::string_view ns) {
  return ObjectResourcePrefix(cluster, resource) + KeySegment(ns) + "/";
}

std::string ObjectKey(std::string_view cluster, std::string_view resource, std::string_view ns, std::string_view name) {
  return (ns.empty() ? ObjectResourcePrefix(cluster, resource) : ObjectNamespacePrefix(cluster, resource, ns)) +
         KeySegment(name);
}

}  // namespace kubeiam::store
