// The request attributes a Kubernetes API server derives from an HTTP request (its
// RequestInfoFactory): resource requests under /api/v1 and /apis/<group>/<version>, with verb
// from the method (get/list/watch/create/update/patch/delete/deletecollection), namespace,
// resource, subresource and name; everything else is a non-resource request whose verb is the
// lower-cased method. Pure.
#pragma once

#include <string>

#include "rbac/objects.h"
#include "util/error.h"

namespace kubeiam::kubeapi {

struct RequestInfo {
  bool resource_request = false;
  std::string path;  // as requested, without the query
  std::string verb;
  std::string api_prefix, api_group, api_version;  // "api" or "apis"; group "" for core
  std::string namespace_, resource, subresource, name;
  std::vector<std::string> parts;  // the path segments after the version
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order

  // As the API server decodes list options: the first value of `key`, or null.
  const std::string* First(std::string_view key) const;
  // The same, "" when absent.
  std::string_view Value(std::string_view key) const {
    const std::string* v = First(key);
    return v ? std::string_view(*v) : std::string_view();
  }
  // A boolean option: present and not "0" or "false" (any case).
  bool Flag(std::string_view key) const;

  // The authorizer's view (user left empty).
  rbac::Attributes Attributes() const;
};

// `target` is the request target (path and query). Errors only for malformed escapes.
Result<RequestInfo> ParseRequestInfo(std::string_view method, std::string_view target);

}  // namespace kubeiam::kubeapi
