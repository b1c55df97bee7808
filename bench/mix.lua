-- (4b) A 90/10 read/write mix: 90% reads (40% a school, 20% a school list page, 20% a project,
-- 10% a project list) and 10% completions of a fresh draft self-assessment (as complete.lua).
local C = dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local reads, complete
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
  complete = C.completions()
end
function request()
  if math.random(10) > 1 then return reads[math.random(#reads)] end
  return complete()
end
done = C.done
