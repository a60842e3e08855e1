-- wrk script for bench/serve: GETs the paths listed in $WRK_URLS (one a line), round-robin.
-- Thread k of $WRK_THREADS starts k/threads of the way into the list, so threads do not ask for the same file
-- at the same moment. done() writes the run's figures as JSON to $WRK_OUT.
local paths = {}
for line in io.lines(os.getenv("WRK_URLS")) do
  if line ~= "" then paths[#paths + 1] = line end
end

local next_thread = 0
function setup(thread)
  thread:set("thread_index", next_thread)
  next_thread = next_thread + 1
end

local i = 0
local range = os.getenv("WRK_RANGE")  -- e.g. "bytes=0-0": everything but the transfer (wrk cannot do HEAD)
local headers = range and { Range = range } or nil
function init(args)
  local threads = tonumber(os.getenv("WRK_THREADS") or "1")
  i = math.floor((thread_index or 0) * #paths / threads)
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  local out = io.open(os.getenv("WRK_OUT"), "w")
  out:write(string.format(
    '{"duration_us": %d, "requests": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
  out:close()
end
