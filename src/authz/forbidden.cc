#include "authz/forbidden.h"

namespace kubeiam::authz {

std::string ForbiddenReason(const rbac::Attributes& a) {
  std::string user = "User \"" + a.user.name + "\"";
  if (!a.resource_request) return user + " cannot " + a.verb + " path \"" + a.path + "\"";
  std::string resource = a.subresource.empty() ? a.resource : a.resource + "/" + a.subresource;
  std::string where = a.namespace_.empty() ? "at the cluster scope" : "in the namespace \"" + a.namespace_ + "\"";
  return user + " cannot " + a.verb + " resource \"" + resource + "\" in API group \"" + a.api_group + "\" " + where;
}

std::string Forbidden(const rbac::Attributes& a, const std::string& why) {
  if (!a.resource_request) return "forbidden: " + why;
  std::string what = a.api_group.empty() ? a.resource : a.resource + "." + a.api_group;
  if (!a.name.empty()) what += " \"" + a.name + "\"";
  return what + " is forbidden: " + why;
}

std::string ForbiddenMessage(const rbac::Attributes& a, const std::string& detail) {
  return Forbidden(a, detail.empty() ? ForbiddenReason(a) : ForbiddenReason(a) + ": " + detail);
}

}  // namespace kubeiam::authz
