-- (4b) A 90/10 read/write mix: 90% reads (40% a school, 20% a school list page, 20% a project,
-- 10% a project list) and 10% completions of a fresh draft self-assessment (as complete.lua).
local C = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local reads, pool, toks, k
function setup(thread) C.setup(thread) end
function init(args)
  C.seed()
  local urns, las, ids, years = C.data_lines("urns.txt"), C.data_lines("la_codes.txt"),
                                C.data_lines("projects.txt"), C.data_lines("years.txt")
  local nat = C.national_tokens()
  reads = C.precompute(8192, function(i)
    local t, r = nat[(i % #nat) + 1], math.random(90)
    if r <= 40 then return C.get("/v1/schools/" .. urns[math.random(#urns)], t)
    elseif r <= 60 then return C.get("/v1/schools?la_code=" .. las[math.random(#las)] .. "&limit=50", t)
    elseif r <= 80 then return C.get("/v1/projects/" .. ids[math.random(#ids)], t)
    else return C.get("/v1/projects?financial_year=" .. years[math.random(#years)] .. "&limit=50", t) end
  end)
  pool = C.lines(os.getenv("BENCH_POOL") or error("BENCH_POOL is not set"))
  toks = C.icb_tokens()
  k = 0
end
function request()
  if math.random(10) > 1 then return reads[math.random(#reads)] end
  local i = ((tid or 0) + k * (nthreads or 1)) % #pool + 1
  k = k + 1
  local id, icb = pool[i]:match("^(%S+)%s+(%S+)$")
  return C.post_json("/v1/self-assessments/" .. id .. "/complete", toks[icb], "{}")
end
done = C.done
