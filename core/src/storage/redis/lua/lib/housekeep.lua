--[[
  Fragment: bounded housekeeping. Expects lib/queue.lua and lib/drop.lua
  included before it and openQueue() to have succeeded.

  Housekeeping releases the messages of expired claims, drops expired claim
  records, makes due delayed messages free and reaps expired messages; at
  most ARGV[2] (the budget) items per call. It is skipped outright while
  now < R.due (nothing can be due yet; lib/keep.lua), so an ordinary call
  pays nothing more for it, and the pass's own helpers are built only when
  a pass runs.
]]

-- Messages becoming claimable again go to `free` with their sequences when
-- the claim frontier has passed them (lib/pick.lua); `limit` (optional) is
-- that frontier: a newer one is claimed from `all` when the frontier gets
-- there. `free` may have just been re-created, so it gets the queue's expiry
-- (lib/keep.lua) again.
local function toFree(ids, limit)
  local seqs = rcall('ZMSCORE', Q.all, unpack(ids))
  local free = {}
  for i, id in ipairs(ids) do
    if seqs[i] and (not limit or tonumber(seqs[i]) <= limit) then free[#free + 1] = seqs[i]; free[#free + 1] = id end
  end
  if #free == 0 then return end
  rcall('ZADD', Q.free, unpack(free))
  local hz = tonumber(rcall('HGET', KEYS[1], 'hz')) or 0
  rcall('PEXPIRE', Q.free, int(math.max(hz - now, SLACK)))
end

-- Held messages leave their claim (whose id list keeps a stale id) and are
-- claimable again (the frontier passed them when they were claimed).
-- `fields` and `states` (optional): their claim-state fields and values when
-- the caller has read them already.
local function unholdMessages(ids, fields, states)
  if #ids == 0 then return end
  rcall('ZREM', Q.held, unpack(ids))
  if not states then
    fields = {}
    for i, id in ipairs(ids) do fields[i] = 'c:' .. id end
    states = rcall('HMGET', Q.m, unpack(fields))
  end
  local set = {}
  for i in ipairs(ids) do
    if states[i] then set[#set + 1] = fields[i]; set[#set + 1] = string.match(states[i], '^%d+') .. '|0|' end
  end
  if #set > 0 then rcall('HSET', Q.m, unpack(set)) end
  toFree(ids)
end

-- Returns true when nothing due is left.
local function housekeep()
  if now < R.due then return true end
  local budget, caughtUp = tonumber(ARGV[2]), true
  local function due(key)
    if budget <= 0 then caughtUp = false; return {} end
    local ids = rcall('ZRANGEBYSCORE', key, '-inf', ARGV[1], 'LIMIT', '0', int(budget))
    if #ids == budget then caughtUp = false end
    budget = budget - #ids
    return ids
  end
  local function headScore(key)
    return tonumber(rcall('ZRANGE', key, '0', '0', 'WITHSCORES')[2]) or NEVER
  end

  unholdMessages(due(Q.held))
  local claims = due(Q.claims)
  if #claims > 0 then
    rcall('HDEL', Q.claim, unpack(claims))
    rcall('ZREM', Q.claims, unpack(claims))
  end
  local ids = due(Q.delayed)
  if #ids > 0 then
    rcall('ZREM', Q.delayed, unpack(ids))
    toFree(ids, tonumber(rcall('HGET', KEYS[1], 'front')) or 0)
  end
  dropMessages(due(Q.exp))
  if caughtUp then
    -- Nothing is due now: the earliest head is the next time anything can be.
    R.due = math.min(headScore(Q.held), headScore(Q.claims), headScore(Q.delayed), headScore(Q.exp))
    rcall('HSET', KEYS[1], 'due', int(R.due))
  end
  return caughtUp
end
