#include "kubeapi/request_log.h"

#include <boost/json/array.hpp>

#include "util/log.h"

namespace kubeiam::kubeapi {

std::string_view Decision(int status) {
  if (status == 0) return "forwarded";
  if (status == 401) return "unauthenticated";
  if (status == 403) return "forbidden";
  if (status >= 400) return "error";
  return "allowed";
}

void LogRequest(std::string_view msg, const http::HttpRequest& request, const rbac::UserInfo* user, int status,
                std::chrono::steady_clock::duration latency) {
  boost::json::object fields{{"client", request.remote}, {"method", request.method}, {"path", request.Path()}};
  if (user) {
    fields["user"] = user->name;
    boost::json::array groups;
    for (const auto& g : user->groups) groups.emplace_back(g);
    fields["groups"] = std::move(groups);
  }
  fields["status"] = status;
  fields["decision"] = Decision(status);
  fields["latencyMs"] = std::chrono::duration<double, std::milli>(latency).count();
  Log(status >= 500 ? LogLevel::kWarning : LogLevel::kInfo, msg, std::move(fields));
}

}  // namespace kubeiam::kubeapi
