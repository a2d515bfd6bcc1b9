--[[
  One queue's part of a lease: reaps expired subscriptions (at most ARGV[5]),
  takes up to ARGV[2] due jobs, drops those whose subscription is gone or
  expired, and leases the rest until ARGV[3] under lease id ARGV[4]. Also
  tells the driver when the queue is next due and whether it is idle (no
  subscriptions, no jobs), for the subscribed index (keys.ts).

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms)
  ARGV[2]  most jobs to lease (0: only reap and report)
  ARGV[3]  lease end (ms)
  ARGV[4]  lease id
  ARGV[5]  most expired subscriptions to reap

  Returns: {next due (ms; 1e15 when nothing is pending), idle (1/0), jobs}
  where jobs holds 5 entries per leased job, oldest due first: job id,
  attempts, packed subscription, then body and info of the message copy
  (notifications) or the document twice (confirmations).
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue
-- @include subscription
-- @include jobs

if rcall('EXISTS', KEYS[1]) == 0 then return {int(NEVER), 1, {}} end
local dead = rcall('ZRANGEBYSCORE', Q.subexp, '-inf', ARGV[1], 'LIMIT', '0', ARGV[5])
dropSubscriptions(dead)

local out = {}
local ids = {}
if tonumber(ARGV[2]) > 0 then ids = rcall('ZRANGEBYSCORE', Q.jobs, '-inf', ARGV[1], 'LIMIT', '0', ARGV[2]) end
if #ids > 0 then
  local subIds, refs = {}, {}
  for i, id in ipairs(ids) do
    local kind, sid, ref = parseJob(id)
    subIds[i] = sid
    refs[i] = kind == 'n' and ref or false
  end
  local recs = rcall('HMGET', Q.sub, unpack(subIds))
  local live, gone, fields = {}, {}, {}
  for i, id in ipairs(ids) do
    if liveSub(recs[i]) then
      live[#live + 1] = i
      fields[#fields + 1] = 'l:' .. id
      if refs[i] then
        fields[#fields + 1] = refs[i]; fields[#fields + 1] = 'i:' .. refs[i]
      else
        local d = 'd:' .. id
        fields[#fields + 1] = d; fields[#fields + 1] = d
      end
    else
      gone[#gone + 1] = id
    end
  end
  dropJobs(gone)
  if #live > 0 then
    local data = rcall('HMGET', Q.job, unpack(fields))
    local due, leases = {}, {}
    for n, i in ipairs(live) do
      local id = ids[i]
      local attempts = data[3 * n - 2] and string.match(data[3 * n - 2], '^(%d+)') or '0'
      due[2 * n - 1] = ARGV[3]; due[2 * n] = id
      leases[2 * n - 1] = 'l:' .. id; leases[2 * n] = attempts .. '|' .. ARGV[4]
      out[#out + 1] = id; out[#out + 1] = attempts; out[#out + 1] = recs[i]
      out[#out + 1] = data[3 * n - 1]; out[#out + 1] = data[3 * n]
    end
    rcall('ZADD', Q.jobs, unpack(due))
    rcall('HSET', Q.job, unpack(leases))
  end
end

local head = rcall('ZRANGE', Q.jobs, '0', '0', 'WITHSCORES')[2]
local idle = (not head and (tonumber(rcall('HGET', KEYS[1], 'subn')) or 0) <= 0) and 1 or 0
return {head or int(NEVER), idle, out}
