-- wrk script: optional If-None-Match header, and a one-line JSON summary at the end
-- (wrk's own --latency output has no p95). Used by benchmarks/run.py.
local etag = os.getenv("BENCH_IF_NONE_MATCH")

request = function()
  if etag and etag ~= "" then
    wrk.headers["If-None-Match"] = etag
  end
  return wrk.format(nil)
end

done = function(summary, latency, requests)
  local s = summary.duration / 1e6
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_s": %.3f, "rps": %.1f, "p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, "errors": %d, "non2xx": %d}\n',
    summary.requests, s, summary.requests / s,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
