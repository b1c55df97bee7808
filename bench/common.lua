-- Shared by the wrk scripts in bench/ (each does dofile(os.getenv("BENCH_DIR") .. "/common.lua")).
-- Environment: BENCH_DATA (the generator's --out folder), BENCH_OUT (where done() writes its JSON;
-- unset for a warm-up), BENCH_POOL (draft self-assessments to complete: "uuid icb_code" lines).
-- Requests are formatted once per thread in init() (a few thousand random ones), so the Lua cost
-- per request is a table lookup.
local M = {}

M.data = os.getenv("BENCH_DATA") or error("BENCH_DATA is not set")

function M.lines(path)
  local t = {}
  local f = io.open(path, "r") or error("cannot open " .. path)
  for l in f:lines() do
    if #l > 0 then t[#t + 1] = l end
  end
  f:close()
  if #t == 0 then error("no lines in " .. path) end
  return t
end

function M.data_lines(name) return M.lines(M.data .. "/" .. name) end

-- Distinct national tokens (bin/pins-token, one per line): requests rotate over them.
function M.national_tokens() return M.data_lines("national_tokens.txt") end

-- ICB code -> token.
function M.icb_tokens()
  local t = {}
  for _, l in ipairs(M.data_lines("icb_tokens.txt")) do
    local code, tok = l:match("^(%S+)%s+(%S+)$")
    t[code] = tok
  end
  return t
end

-- setup() runs in the main state once per thread: number the threads.
local threads = {}
function M.setup(thread)
  thread:set("tid", #threads)
  threads[#threads + 1] = thread
  for _, th in ipairs(threads) do th:set("nthreads", #threads) end
end

function M.seed()
  math.randomseed(os.time() + 7919 * (tid or 0))
end

function M.get(path, token)
  return wrk.format("GET", path, {["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json"})
end

function M.post_json(path, token, body)
  return wrk.format("POST", path, {["Authorization"] = "Bearer " .. token,
                                   ["Content-Type"] = "application/json"}, body)
end

-- Completions of fresh drafts from BENCH_POOL ("uuid icb_code" lines, bench/tools/pool.py), as
-- each project's ICB. Thread t of n takes drafts t+1, t+1+n, t+1+2n, ...; if the pool runs out
-- the requests wrap round and answer 409, which report.py flags (non-2xx). Returns a function
-- that makes the next request; call it from init().
function M.completions()
  local pool = M.lines(os.getenv("BENCH_POOL") or error("BENCH_POOL is not set"))
  local toks, k = M.icb_tokens(), 0
  return function()
    local i = ((tid or 0) + k * (nthreads or 1)) % #pool + 1
    k = k + 1
    local id, icb = pool[i]:match("^(%S+)%s+(%S+)$")
    return M.post_json("/v1/self-assessments/" .. id .. "/complete", toks[icb], "{}")
  end
end

-- N random requests made by make(i) (i = 1..N).
function M.precompute(n, make)
  local t = {}
  for i = 1, n do t[i] = make(i) end
  return t
end

-- done(): one JSON object with the figures report.py needs.
function M.done(summary, latency, requests)
  local out = os.getenv("BENCH_OUT")
  if not out or out == "" then return end
  local e = summary.errors
  local f = io.open(out, "w")
  f:write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.1f,"stdev":%.1f,"min":%d,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.stdev, latency.min, latency.max, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9)))
  f:close()
end

return M
