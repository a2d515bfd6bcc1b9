--[[
  wrk script: the post of the auth-uncached scenario and of its no-auth
  baseline (auth-none): the produce document, with
  - every answer's status checked in response(): answers other than the
    expected status are counted as bad, never as throughput (so a storm of
    401s or 503s cannot pass for a fast run);
  - with a token file, one X-Auth-Token per request, taken round-robin from
    the file (run it with -t1: one thread's rotation), so that requests in
    flight together carry distinct tokens: the validator folds concurrent
    validations of one token into one Keystone request, which would hide the
    per-request cost this scenario measures.
  The baseline runs the same script without a token file, so both runs pay
  the same client cost (a response() hook makes wrk parse every answer).

  Usage: wrk -t1 -c1 -d8s --latency -s auth.lua http://host:port/v2/queues/<q>/messages \
           -- <document file> <project id> <client id> <expected status> [<token file>]

  done() prints one line: BENCH_RESULT <json> (wrk's figures plus ok, bad and
  the last bad status).
]]

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local f = assert(io.open(args[1], "rb"))
  body = f:read("*a")
  f:close()
  headers = { ["Content-Type"] = "application/json", ["X-Project-ID"] = args[2], ["Client-ID"] = args[3] }
  expected = tonumber(args[4])
  tokens = {}
  if args[5] and args[5] ~= "" then
    for line in io.lines(args[5]) do
      if line ~= "" then table.insert(tokens, line) end
    end
  end
  next_token = 1
  ok, bad, bad_status = 0, 0, 0
end

function request()
  if #tokens > 0 then
    headers["X-Auth-Token"] = tokens[next_token]
    next_token = next_token % #tokens + 1
  end
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  if status == expected then
    ok = ok + 1
  else
    bad = bad + 1
    bad_status = status
  end
end

function done(summary, latency, requests)
  local t = { ok = 0, bad = 0 }
  local bad_status = 0
  for _, thread in ipairs(threads) do
    t.ok = t.ok + (thread:get("ok") or 0)
    t.bad = t.bad + (thread:get("bad") or 0)
    if (thread:get("bad_status") or 0) ~= 0 then bad_status = thread:get("bad_status") end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"duration_us":%d,"requests":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"p50_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d,' ..
    '"ok":%d,"bad":%d,"bad_status":%d}\n',
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean, latency.max, t.ok, t.bad, bad_status))
end
