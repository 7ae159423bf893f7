// The main listener's /readyz. Ready means the first snapshot is loaded: decisions are then
// served from it whether or not the store answers. The store is reported on its own, at
// /readyz/store and in /readyz?verbose, and is not counted: a replica that loses etcd keeps
// authenticating and authorizing from its last snapshot (only writes fail), so taking it out of
// a load balancer would turn an etcd outage into an authentication outage.
#pragma once

#include <memory>

#include "http/http_server.h"
#include "server/store_meter.h"
#include "state/sources.h"

namespace kubeiam::server {

// `path` is /readyz or /readyz/<check>; `meter` may be null (no store).
http::HttpResponse Readiness(const http::HttpRequest& request, const state::Sources& sources, const StoreMeter* meter);

// /metrics series on following the store: kubeiam_store_revision, kubeiam_store_watch_lag_seconds,
// kubeiam_store_watch_reconnects_total.
std::string StoreFollowMetrics(const state::Sources::StoreFollow& follow);

}  // namespace kubeiam::server
