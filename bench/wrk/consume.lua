--[[
  wrk script: REST consume. A per-thread state machine over all of the
  thread's connections: request() sends a queued DELETE of a claimed message
  if there is one, else a new claim (limit 10). response() takes the claimed
  messages' hrefs (".../messages/<id>?claim_id=<cid>") from a 201 claim body
  and queues one DELETE each.

  Usage: wrk -t1 -c16 -d20s --latency -s consume.lua http://host:port \
           -- <queue path /v2/queues/q> <project id> <client id> <claim body JSON>

  Counting: a successful DELETE and an empty claim both answer 204 with no
  body, and wrk does not tell which request a response belongs to. Every
  claim answers 201 (counted) or 204 (empty), so of the 204s at most
  (claims sent - claims answered 201) are empty claims; `deleted` subtracts
  all of them (a lower bound, off by at most the requests in flight at the
  end), and `empty_min` is the number of 204s that must have been empty
  claims: if it is > 0 the backlog ran dry and the figure is wrong.
  done() prints one line: BENCH_RESULT <json>.
]]

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local project, client = args[2], args[3]
  claim_path = args[1] .. "/claims?limit=10"
  claim_body = args[4]
  claim_headers = { ["Content-Type"] = "application/json", ["X-Project-ID"] = project, ["Client-ID"] = client }
  delete_headers = { ["X-Project-ID"] = project, ["Client-ID"] = client }
  pending, head, tail = {}, 1, 0
  claims_sent, deletes_sent, responses = 0, 0, 0
  created, no_content, bad, bad_status = 0, 0, 0, 0
end

function request()
  if head <= tail then
    local path = pending[head]
    pending[head] = nil
    head = head + 1
    deletes_sent = deletes_sent + 1
    return wrk.format("DELETE", path, delete_headers, nil)
  end
  claims_sent = claims_sent + 1
  return wrk.format("POST", claim_path, claim_headers, claim_body)
end

function response(status, headers, body)
  responses = responses + 1
  if status == 201 then
    created = created + 1
    for href in body:gmatch('"href"%s*:%s*"([^"]+)"') do
      tail = tail + 1
      pending[tail] = href
    end
  elseif status == 204 then
    no_content = no_content + 1
  else
    bad = bad + 1
    bad_status = status
  end
end

function done(summary, latency, requests)
  local t = { claims_sent = 0, deletes_sent = 0, responses = 0, created = 0, no_content = 0, bad = 0, backlog = 0 }
  local bad_status = 0
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do
      if k ~= "backlog" then t[k] = t[k] + (thread:get(k) or 0) end
    end
    t.backlog = t.backlog + (thread:get("tail") - thread:get("head") + 1)
    if (thread:get("bad_status") or 0) ~= 0 then bad_status = thread:get("bad_status") end
  end
  local unanswered_claims = t.claims_sent - t.created
  local inflight = t.claims_sent + t.deletes_sent - t.responses
  local empty_min = unanswered_claims - inflight
  if empty_min < 0 then empty_min = 0 end
  local deleted = t.no_content - unanswered_claims
  if deleted < 0 then deleted = 0 end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"duration_us":%d,"requests":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"p50_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d,' ..
    '"claims_sent":%d,"deletes_sent":%d,"responses":%d,"claims_created":%d,"no_content":%d,"bad":%d,"bad_status":%d,"inflight":%d,"empty_min":%d,"deleted":%d,"unsent_deletes":%d}\n',
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean, latency.max,
    t.claims_sent, t.deletes_sent, t.responses, t.created, t.no_content, t.bad, bad_status, inflight, empty_min, deleted, t.backlog))
end
