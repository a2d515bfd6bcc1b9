--[[
  wrk script: REST produce. Every request is the same POST of one document of
  10 × 1 KiB messages (read from a file, so all clients send identical bytes).

  Usage: wrk -t1 -c16 -d20s --latency -s produce.lua http://host:port/v2/queues/<q>/messages \
           -- <document file> <project id> <client id> [<X-Auth-Token>]

  With a token (the auth-cached scenario) every request carries it; the
  request is otherwise the same bytes, and the client costs the same.

  No response() hook: wrk then skips parsing headers and bodies, which keeps
  the client cheap. wrk itself still reads every answer's status and counts
  each one > 399 (a 401 too) in errors.status, which the runner subtracts
  from the throughput; the queue's message count is verified afterwards.
  done() prints one line: BENCH_RESULT <json>.
]]

function init(args)
  local f = assert(io.open(args[1], "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Project-ID"] = args[2]
  wrk.headers["Client-ID"] = args[3]
  if args[4] and args[4] ~= "" then wrk.headers["X-Auth-Token"] = args[4] end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"duration_us":%d,"requests":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"p50_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d}\n',
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean, latency.max))
end
