-- wrk: POST the SubjectAccessReview in the file given after -- to /authorize, every request.
local body

function init(args)
  local f = assert(io.open(args[1]))
  body = f:read("*a")
  f:close()
end

function request()
  return wrk.format("POST", "/authorize", {["Content-Type"] = "application/json"}, body)
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests_per_sec=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
