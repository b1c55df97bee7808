-- (4a) POST /v1/self-assessments/{id}/complete: each request completes a different fully answered
-- draft (common.lua, M.completions).
local C = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local complete
function setup(thread) C.setup(thread) end
function init(args) complete = C.completions() end
function request() return complete() end
done = C.done
