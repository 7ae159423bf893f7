-- wrk: the same POST shape against nginx's static JSON (the ceiling for this machine).
local body = '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"x"}}'
function request()
  return wrk.format("POST", "/authenticate", {["Content-Type"] = "application/json"}, body)
end
done = dofile(debug.getinfo(1, "S").source:match("@(.*/)") .. "wrk_result.lua")
