#include "kubeapi/responses.h"

#include <boost/json/serialize.hpp>

namespace kubeiam::kubeapi {

namespace json = boost::json;

http::HttpResponse JsonResponse(int status, const json::value& v) { return {status, "application/json", json::serialize(v), {}}; }

http::HttpResponse StatusResponse(int code, const std::string& reason, const std::string& message, json::object details) {
  json::object s{{"kind", "Status"},   {"apiVersion", "v1"}, {"metadata", json::object()}, {"status", "Failure"},
                 {"message", message}, {"reason", reason},  {"code", code}};
  if (!details.empty()) s["details"] = std::move(details);
  return JsonResponse(code, s);
}

http::HttpResponse TooManyRequests() {
  http::HttpResponse busy = StatusResponse(429, "TooManyRequests", "Too many requests, please try again later.",
                                           json::object{{"retryAfterSeconds", 1}});
  busy.headers.emplace_back("Retry-After", "1");
  return busy;
}

json::array JsonStrings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

json::object PolicyRuleJson(const rbac::PolicyRule& r) {
  json::object o{{"verbs", JsonStrings(r.verbs)}};
  if (!r.non_resource_urls.empty()) {
    o["nonResourceURLs"] = JsonStrings(r.non_resource_urls);
    return o;
  }
  o["apiGroups"] = JsonStrings(r.api_groups);
  o["resources"] = JsonStrings(r.resources);
  if (!r.resource_names.empty()) o["resourceNames"] = JsonStrings(r.resource_names);
  return o;
}

}  // namespace kubeiam::kubeapi
