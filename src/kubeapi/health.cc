#include "kubeapi/health.h"

#include <algorithm>
#include <string>
#include <vector>

namespace kubeiam::kubeapi {
namespace {

struct Check {
  const char* name;
  bool ok;
};

std::vector<Check> Checks(bool ready) { return {{"ping", true}, {"log", true}, {"snapshot", ready}, {"shutdown", true}}; }

http::HttpResponse Text(int status, std::string body) {
  http::HttpResponse r{status, "text/plain; charset=utf-8", std::move(body), {}};
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

// One endpoint: `ok`, or the verbose lines; a failed check always lists them.
http::HttpResponse Answer(const std::string& endpoint, const RequestInfo& info, bool ready) {
  bool verbose = info.First("verbose") != nullptr;
  std::vector<std::string> excluded;
  for (const auto& [k, v] : info.query) {
    if (k == "exclude") excluded.push_back(v);
  }
  std::string lines;
  bool passed = true;
  for (const auto& c : Checks(ready)) {
    if (std::find(excluded.begin(), excluded.end(), c.name) != excluded.end()) {
      lines += std::string("[+]") + c.name + " excluded: ok\n";
      continue;
    }
    passed &= c.ok;
    lines += std::string(c.ok ? "[+]" : "[-]") + c.name + (c.ok ? " ok\n" : " failed: reason withheld\n");
  }
  for (const auto& e : excluded) {
    bool known = false;
    for (const auto& c : Checks(ready)) known |= e == c.name;
    if (!known) lines += "warn: some health checks cannot be excluded: no matches for \"" + e + "\"\n";
  }
  if (passed && !verbose) return Text(200, "ok");
  return Text(passed ? 200 : 500, lines + endpoint + " check " + (passed ? "passed" : "failed") + "\n");
}

}  // namespace

std::optional<http::HttpResponse> ServeHealth(const http::HttpRequest& request, bool ready) {
  if (request.method != "GET" && request.method != "HEAD") return std::nullopt;
  std::string path = request.Path();
  if (path != "/healthz" && path != "/livez" && path != "/readyz") return std::nullopt;
  auto info = ParseRequestInfo(request.method, request.target);
  if (!info) return std::nullopt;
  return Answer(path.substr(1), *info, ready);
}

std::optional<http::HttpResponse> ServeHealthCheck(const RequestInfo& info, bool ready) {
  for (const char* endpoint : {"/healthz/", "/livez/", "/readyz/"}) {
    if (!info.path.starts_with(endpoint)) continue;
    std::string name = info.path.substr(std::string(endpoint).size());
    for (const auto& c : Checks(ready)) {
      if (name == c.name) return c.ok ? Text(200, "ok") : Text(500, "internal server error: " + name + " check failed");
    }
  }
  return std::nullopt;
}

}  // namespace kubeiam::kubeapi
