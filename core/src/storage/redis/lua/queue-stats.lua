--[[
  Exact counts of live messages, in O(log N): no scan of the queue.
    total   = stored ids - ids whose expiry has passed   (ZCARD all - ZCOUNT exp)
    claimed = ids held by a claim that is still live      (ZCOUNT held > now)
  (a message under a live claim always outlives it, see claim-messages.lua).
  Oldest/newest are the ends of `all`; expired ends are reaped on the way.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms)
  ARGV[2]  housekeeping budget (items)

  Returns: {claimed, total, oldestId, oldestCreated, newestId, newestCreated}
  (ids "" when total is 0); {0, 0, "", 0, "", 0} for an unknown queue.
  Status: -100 BEHIND (more expired ends than the budget allows; call again).
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue
-- @include drop
-- @include housekeep

if not openQueue() then return {0, 0, '', 0, '', 0} end
housekeep()
local total = rcall('ZCARD', Q.all) - rcall('ZCOUNT', Q.exp, '-inf', ARGV[1])
local claimed = rcall('ZCOUNT', Q.held, '(' .. ARGV[1], '+inf')
if total <= 0 then return {0, 0, '', 0, '', 0} end
-- Only reachable if safety-net expiry dropped keys out of step; free must never go negative.
if claimed > total then claimed = total end

-- The live message at one end of `all` ('0' = oldest, '-1' = newest).
local budget = tonumber(ARGV[2])
local function liveEnd(index)
  while budget > 0 do
    local ids = rcall('ZRANGE', Q.all, index, index)
    if #ids == 0 then return nil end
    local m = parseInfo(rcall('HGET', Q.m, 'i:' .. ids[1]))
    if m and m.exN > now then return {ids[1], m.cr} end
    dropMessages(ids)
    budget = budget - 1
  end
  return nil
end
local oldest, newest = liveEnd('0'), liveEnd('-1')
if not oldest or not newest then return -100 end
return {claimed, total, oldest[1], oldest[2], newest[1], newest[2]}
