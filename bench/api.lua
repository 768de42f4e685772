-- wrk script for bench/api.py: every request carries its own pre-made JWT.
-- Environment: BENCH_MODE (create|read), BENCH_TOKENS (file, one token a line), BENCH_IDS (file of IDs),
-- BENCH_PAUSE_MS (optional: each connection waits about that long between its requests, so that the
-- server sees a set rate instead of as much as it can take).
local mode = os.getenv("BENCH_MODE")
local pause = tonumber(os.getenv("BENCH_PAUSE_MS") or "")
local tokens, ids = {}, {}
local counter = 0

local function load(path, into)
  for line in io.lines(path) do into[#into + 1] = line end
end

function setup(thread)
  thread:set("offset", math.random(1, 100000))
end

function init(args)
  load(os.getenv("BENCH_TOKENS"), tokens)
  if mode == "read" then load(os.getenv("BENCH_IDS"), ids) end
  counter = offset or 0
end

local body = '{"tasks": ["document_scan", "face_liveness", "face_match"], "locale": "nl-NL", '
  .. '"settings": {"documentScan": {"minimumAge": 18, "redactFields": ["personal_number"]}}}'

if pause then
  -- Spread between half and one and a half times the pause, so that connections do not march in step.
  function delay()
    return pause * (0.5 + math.random())
  end
end

function request()
  counter = counter + 1
  local headers = {["Authorization"] = "Bearer " .. tokens[(counter % #tokens) + 1]}
  if mode == "create" then
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", "/id-scan/v1/transactions", headers, body)
  end
  return wrk.format("GET", "/id-scan/v1/transactions/" .. ids[(counter % #ids) + 1], headers)
end

local errors = 0
function response(status, headers, body)
  if status ~= 200 and status ~= 201 then errors = errors + 1 end
end

function done(summary, latency, requests)
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.3f, "p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, '
      .. '"max_ms": %.3f, "non_2xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(90) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout))
end
