-- (1) GET /v1/schools/{urn}, a random URN each request (the single-read path). Also used against
-- the two ceiling servers, so that they get byte-for-byte the same requests.
local C = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local reqs
function setup(thread) C.setup(thread) end
function init(args)
  C.seed()
  local urns, toks = C.data_lines("urns.txt"), C.national_tokens()
  reqs = C.precompute(8192, function(i)
    return C.get("/v1/schools/" .. urns[math.random(#urns)], toks[(i % #toks) + 1])
  end)
end
function request() return reqs[math.random(#reqs)] end
done = C.done
