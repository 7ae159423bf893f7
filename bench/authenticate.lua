-- wrk: POST a TokenReview per request, cycling through the tokens in the file given after --.
local tokens = {}
local i = 0

function init(args)
  for line in io.lines(args[1]) do tokens[#tokens + 1] = line end
  -- Threads start at different places so they rarely send the same token.
  i = math.random(#tokens)
end

function request()
  i = i % #tokens + 1
  local body = '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"' .. tokens[i] .. '"}}'
  return wrk.format("POST", "/authenticate", {["Content-Type"] = "application/json"}, body)
end

done = dofile(debug.getinfo(1, "S").source:match("@(.*/)") .. "wrk_result.lua")
