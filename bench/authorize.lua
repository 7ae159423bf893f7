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

done = dofile(debug.getinfo(1, "S").source:match("@(.*/)") .. "wrk_result.lua")
