// Reading a whole collection from a Kubernetes API server: a paged list (500 at a time,
// following `continue`) that gives back every item with its kind filled in, and the list's
// resourceVersion, from which a watch carries on.
#pragma once

#include <boost/json/array.hpp>
#include <functional>
#include <string>

#include "kubeclient/kube_client.h"

namespace kubeiam::kubeclient {

// One collection: `path` is the list URL (/apis/rbac.authorization.k8s.io/v1/clusterroles),
// `field_selector` an optional fieldSelector.
struct Collection {
  std::string path;
  std::string api_version, kind;  // given to each item (lists leave them out)
  std::string field_selector;
  std::string resource() const { return path.substr(path.rfind('/') + 1); }  // "clusterroles"
};

struct ObjectList {
  boost::json::array items;
  std::string resource_version;
};

// Errors: the transport's, a refusal as Refusal words it, or a body that is not a list.
// `progress` hears the count of items read so far after each page.
Result<ObjectList> ListAll(KubeClient& client, const Collection& what, const std::function<void(size_t)>& progress = {});

// A non-2xx answer to `verb` on `what`, naming the context, the user the cluster saw and the
// permission kubeiam needs: "context admin (user u on https://...) cannot list clusterroles: ...".
Error Refusal(const KubeContext& context, const http::Response& response, const std::string& verb, const std::string& what);

// The query that selects `c` (fieldSelector), with `extra` parameters: "?a=b&c=d" or "".
std::string QueryOf(const Collection& c, const std::string& extra);

}  // namespace kubeiam::kubeclient
