-- (2b) GET /v1/projects?financial_year=...&limit=50: a filtered project list (42 projects a year,
-- each with its computed counts), a random year each request.
local C = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local reqs
function setup(thread) C.setup(thread) end
function init(args)
  C.seed()
  local years, toks = C.data_lines("years.txt"), C.national_tokens()
  reqs = C.precompute(1024, function(i)
    return C.get("/v1/projects?financial_year=" .. years[math.random(#years)] .. "&limit=50", toks[(i % #toks) + 1])
  end)
end
function request() return reqs[math.random(#reqs)] end
done = C.done
