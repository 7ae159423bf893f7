#include "server/readiness.h"

#include <chrono>

namespace kubeiam::server {
namespace {

http::HttpResponse Plain(int status, std::string body) { return {status, "text/plain; charset=utf-8", std::move(body), {}}; }

int64_t SecondsSince(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now() - t).count();
}

// The store's line in the verbose answer; it never fails the whole.
std::string StoreLine(const StoreMeter* meter) {
  if (!meter) return "";
  auto h = meter->health();
  if (h.reachable) return "[+]store ok\n";
  return "[+]store unreachable for " + std::to_string(SecondsSince(h.since)) +
         "s (not counted: decisions are served from the last snapshot; writes fail)\n";
}

}  // namespace

http::HttpResponse Readiness(const http::HttpRequest& request, const state::Sources& sources, const StoreMeter* meter) {
  std::string path = request.Path();
  bool loaded = sources.snapshot() != nullptr;
  if (path == "/readyz/store") {
    if (!meter) return Plain(404, "no store is configured\n");
    auto h = meter->health();
    if (h.reachable) return Plain(200, "ok\n");
    return Plain(503, meter->kind() + " store: " + h.error + "; unreachable for " + std::to_string(SecondsSince(h.since)) + "s\n");
  }
  if (path == "/readyz/snapshot") return loaded ? Plain(200, "ok\n") : Plain(503, "not ready\n");
  if (path != "/readyz") return Plain(404, "404 page not found\n");
  if (request.target.find("verbose") == std::string::npos) return loaded ? Plain(200, "ok\n") : Plain(503, "not ready\n");
  std::string lines = std::string(loaded ? "[+]snapshot ok\n" : "[-]snapshot not loaded\n") + StoreLine(meter);
  return Plain(loaded ? 200 : 503, lines + "readyz check " + (loaded ? "passed\n" : "failed\n"));
}

std::string StoreFollowMetrics(const state::Sources::StoreFollow& follow) {
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  int64_t lag = follow.applied_at > 0 ? now - follow.applied_at : 0;
  return "# HELP kubeiam_store_revision The store revision of the last change applied to the snapshot.\n"
         "# TYPE kubeiam_store_revision gauge\n"
         "kubeiam_store_revision " + std::to_string(follow.revision) + "\n"
         "# HELP kubeiam_store_watch_lag_seconds Seconds since the last change from the store's watch was applied.\n"
         "# TYPE kubeiam_store_watch_lag_seconds gauge\n"
         "kubeiam_store_watch_lag_seconds " + std::to_string(lag) + "\n"
         "# HELP kubeiam_store_watch_reconnects_total Store watches opened again after they failed.\n"
         "# TYPE kubeiam_store_watch_reconnects_total counter\n"
         "kubeiam_store_watch_reconnects_total " + std::to_string(follow.reconnects) + "\n";
}

}  // namespace kubeiam::server
