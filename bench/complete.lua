-- (4a) POST /v1/self-assessments/{id}/complete: each request completes a different fully answered
-- draft from BENCH_POOL ("uuid icb_code" lines, written by bench/tools/pool.py before each run),
-- as the project's ICB. Thread t of n takes drafts t+1, t+1+n, t+1+2n, ... (a Lua counter); if
-- the pool runs out the requests wrap round and answer 409, which report.py flags (non-2xx).
local C = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local pool, toks, k
function setup(thread) C.setup(thread) end
function init(args)
  pool = C.lines(os.getenv("BENCH_POOL") or error("BENCH_POOL is not set"))
  toks = C.icb_tokens()
  k = 0
end
function request()
  local i = ((tid or 0) + k * (nthreads or 1)) % #pool + 1
  k = k + 1
  local id, icb = pool[i]:match("^(%S+)%s+(%S+)$")
  return C.post_json("/v1/self-assessments/" .. id .. "/complete", toks[icb], "{}")
end
done = C.done
