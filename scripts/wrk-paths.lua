-- wrk script for scripts/bench-http: each request takes a random path from PATHS_FILE (one a
-- line), with METHOD, the body in BODY_FILE and the Cookie header COOKIE when given; like a
-- browser, it accepts gzip (ACCEPT_ENCODING overrides, "" sends none).
local paths = {}
for line in io.lines(os.getenv("PATHS_FILE")) do
  paths[#paths + 1] = line
end
local method = os.getenv("METHOD") or "GET"
local body = nil
local body_file = os.getenv("BODY_FILE")
if body_file and body_file ~= "" then
  local f = io.open(body_file)
  body = f:read("*a")
  f:close()
end
local headers = {}
if os.getenv("COOKIE") and os.getenv("COOKIE") ~= "" then
  headers["Cookie"] = os.getenv("COOKIE")
end
local accept_encoding = os.getenv("ACCEPT_ENCODING") or "gzip, deflate, br, zstd"
if accept_encoding ~= "" then
  headers["Accept-Encoding"] = accept_encoding
end
if body then
  headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  return wrk.format(method, paths[math.random(#paths)], headers, body)
end
