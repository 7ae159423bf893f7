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

done = dofile(debug.getinfo(1, "S").source:match("@(.*/)") .. "wrk_result.lua")
