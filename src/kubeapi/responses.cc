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

}  // namespace kubeiam::kubeapi
