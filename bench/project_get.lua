-- (3) GET /v1/projects/{id} with its computed counts (enrolled, funding), a random project.
local C = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local reqs
function setup(thread) C.setup(thread) end
function init(args)
  C.seed()
  local ids, toks = C.data_lines("projects.txt"), C.national_tokens()
  reqs = C.precompute(4096, function(i)
    return C.get("/v1/projects/" .. ids[math.random(#ids)], toks[(i % #toks) + 1])
  end)
end
function request() return reqs[math.random(#reqs)] end
done = C.done
