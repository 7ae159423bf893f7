#include "kubeapi/request_info.h"

#include "kubeapi/field_selector.h"

#include "aws/sigv4.h"
#include "util/strings.h"

namespace kubeiam::kubeapi {

rbac::Attributes RequestInfo::Attributes() const {
  rbac::Attributes a;
  a.verb = verb;
  a.resource_request = resource_request;
  a.namespace_ = namespace_;
  a.api_group = api_group;
  a.resource = resource;
  a.subresource = subresource;
  a.name = name;
  a.path = path;
  return a;
}

const std::string* RequestInfo::First(std::string_view key) const {
  for (const auto& [k, v] : query) {
    if (k == key) return &v;
  }
  return nullptr;
}

bool RequestInfo::Flag(std::string_view key) const {
  const std::string* v = First(key);
  return v && *v != "0" && ToLower(*v) != "false";
}

Result<RequestInfo> ParseRequestInfo(std::string_view method, std::string_view target) {
  RequestInfo info;
  std::string_view raw_path = target.substr(0, target.find('?'));
  std::string_view raw_query = target.size() > raw_path.size() ? target.substr(raw_path.size() + 1) : "";
  auto path = aws::UriDecode(raw_path);
  if (!path) return Fail(ErrorCode::kInvalidArgument, "the request path is malformed");
  auto query = aws::ParseQuery(raw_query);
  if (!query) return Fail(ErrorCode::kInvalidArgument, "the query string is malformed");
  info.path = *path;
  info.query = std::move(*query);
  info.verb = ToLower(method);  // non-resource requests use the method itself
  std::vector<std::string> parts;
  for (auto p : Split(std::string_view(info.path), '/')) {
    if (!p.empty()) parts.emplace_back(p);
  }
  if (parts.empty() || (parts[0] != "api" && parts[0] != "apis")) return info;
  info.api_prefix = parts[0];
  parts.erase(parts.begin());
  if (info.api_prefix == "apis") {
    if (parts.size() < 2) return info;  // /apis, /apis/<group>: discovery
    info.api_group = parts[0];
    parts.erase(parts.begin());
  } else if (parts.empty()) {
    return info;  // /api
  }
  info.api_version = parts[0];
  parts.erase(parts.begin());
  if (parts.empty()) return info;  // /api/v1, /apis/g/v: discovery
  info.resource_request = true;
  // The legacy /watch/ prefix.
  bool watch_prefix = false;
  if (parts[0] == "watch") {
    watch_prefix = true;
    parts.erase(parts.begin());
    if (parts.empty()) {
      info.resource_request = false;
      return info;
    }
  }
  const std::string m = ToUpper(method);
  if (m == "POST") info.verb = "create";
  else if (m == "GET" || m == "HEAD") info.verb = "get";
  else if (m == "PUT") info.verb = "update";
  else if (m == "PATCH") info.verb = "patch";
  else if (m == "DELETE") info.verb = "delete";
  else info.verb = ToLower(method);
  if (watch_prefix) info.verb = "watch";
  info.parts = parts;
  // /namespaces/<ns>/<resource>/...; /namespaces/<ns>[/status|/finalize] is the namespace itself.
  if (parts[0] == "namespaces" && parts.size() > 1) {
    info.namespace_ = parts[1];
    if (parts.size() > 2 && parts[2] != "status" && parts[2] != "finalize") parts.erase(parts.begin(), parts.begin() + 2);
  }
  info.resource = parts[0];
  if (parts.size() >= 2) info.name = parts[1];
  if (parts.size() >= 3) info.subresource = parts[2];
  if (info.name.empty() && info.verb == "get") info.verb = info.Flag("watch") ? "watch" : "list";
  if (info.name.empty() && info.verb == "delete") info.verb = "deletecollection";
  // A list or watch narrowed to one name by a fieldSelector term metadata.name=<x> (or ==) is
  // about that name, if it is a valid path segment (the term the API server's parser picks).
  const std::string* selector = info.First("fieldSelector");
  if ((info.verb == "list" || info.verb == "watch") && selector) {
    auto fields = FieldSelector::Parse(*selector);
    auto value = fields ? fields->RequiredValue("metadata.name") : std::nullopt;
    if (value && !value->empty() && *value != "." && *value != ".." && value->find_first_of("/%") == std::string::npos) {
      info.name = *value;
    }
  }
  return info;
}

}  // namespace kubeiam::kubeapi
