-- One wrk script for every HTTP scenario, driven by environment variables the harness sets:
--   BENCH_METHOD        GET, POST, PUT or DELETE
--   BENCH_PATH          the request path (with query), or the prefix when BENCH_IDS is set
--   BENCH_IDS           optional file of lines (e.g. "type/id"): request N goes to BENCH_PATH/<line N>,
--                       or replaces "{}" in BENCH_PATH; each thread walks its own share, never
--                       repeating (delete one needs a different pre-seeded event every request)
--   BENCH_WRAP          "1": start the list again when it runs out (get, update, create)
--   BENCH_THREADS       wrk's -t, to split BENCH_IDS between the threads
--   BENCH_BODY          optional request body; BENCH_CONTENT_TYPE its media type
--   BENCH_TOKEN         optional bearer token
--   BENCH_BYTES         optional X-Bench-Bytes header (the baseline answers a body of that size)
-- done() prints one line, "BENCH_RESULT {json}", that the harness parses.

local threads = {}
local thread_count = tonumber(os.getenv("BENCH_THREADS") or "1")

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  method = os.getenv("BENCH_METHOD") or "GET"
  path = os.getenv("BENCH_PATH") or "/"
  body = os.getenv("BENCH_BODY")
  headers = {}
  local token = os.getenv("BENCH_TOKEN")
  if token and #token > 0 then headers["Authorization"] = "Bearer " .. token end
  local bytes = os.getenv("BENCH_BYTES")
  if bytes and #bytes > 0 then headers["X-Bench-Bytes"] = bytes end
  if body and #body > 0 then
    headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE") or "application/json"
  else
    body = nil
  end
  ids = nil
  local file = os.getenv("BENCH_IDS")
  if file and #file > 0 then
    ids = {}
    local n = 0
    for line in io.lines(file) do
      if n % thread_count == tid then table.insert(ids, line) end
      n = n + 1
    end
  end
  next_id = 1
  wrap = os.getenv("BENCH_WRAP") == "1"
  template = ids ~= nil and string.find(path, "{}", 1, true) ~= nil
  fixed = ids == nil and wrk.format(method, path, headers, body) or nil
end

function request()
  if fixed then return fixed end
  local line = ids[next_id]
  if line == nil and wrap then
    next_id = 1
    line = ids[1]
  end
  if line == nil then
    -- The list ran out: ask for an id that cannot exist, so the run shows errors, never repeats.
    line = "0/exhausted000000000000000000000"
  end
  next_id = next_id + 1
  if template then
    return wrk.format(method, (string.gsub(path, "{}", line, 1)), headers, body)
  end
  return wrk.format(method, path .. "/" .. line, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_timeout":%d,"non2xx":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, e.status))
end
