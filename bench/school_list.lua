-- (2a) GET /v1/schools?la_code=...&limit=50: the first page of a random LA's schools (a list page).
local C = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local reqs
function setup(thread) C.setup(thread) end
function init(args)
  C.seed()
  local las, toks = C.data_lines("la_codes.txt"), C.national_tokens()
  reqs = C.precompute(4096, function(i)
    return C.get("/v1/schools?la_code=" .. las[math.random(#las)] .. "&limit=50", toks[(i % #toks) + 1])
  end)
end
function request() return reqs[math.random(#reqs)] end
done = C.done
