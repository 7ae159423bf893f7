-- wrk: kubectl-shaped GETs to the Kubernetes API front: the bearer token in the file given
-- after --, then the path (default: list pods in dev-a).
local token, path

function init(args)
  local f = assert(io.open(args[1]))
  token = f:read("*l")
  f:close()
  path = args[2] or "/api/v1/namespaces/dev-a/pods"
end

function request()
  return wrk.format("GET", path, {["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json"})
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests_per_sec=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
