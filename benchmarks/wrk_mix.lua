-- wrk script: cycles through the request paths listed one per line in $BENCH_PATHS_FILE (each
-- wrk thread from its own offset) and prints wrk_report.lua's one-line JSON summary. Used by
-- benchmarks/soak.py.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "wrk_report.lua")

local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS_FILE")) do
  if line ~= "" then
    paths[#paths + 1] = line
  end
end

local threads = 0
setup = function(thread)
  thread:set("offset", threads * 7919)
  threads = threads + 1
end

local counter = nil
request = function()
  counter = (counter or offset or 0) + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
