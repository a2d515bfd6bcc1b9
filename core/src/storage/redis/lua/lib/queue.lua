--[[
  Fragment included by every queue script (scripts.ts expands "-- @include queue").

  Expects, defined by the including script before the include line:
    rcall   = redis.call
    now     = tonumber(ARGV[1]), the clock's Unix ms (never Redis TIME)
    KEYS[1] = the queue record  zq:{P/Q}:q
    KEYS[2] = the key base      zq:{P/Q}:   (carries the queue's hash tag)

  Defines Q (the keys of the open generation, all derived from KEYS[2]), the
  message/claim helpers and bounded housekeeping. Layout: see keys.ts.

  Liveness is always checked item by item, so a housekeeping backlog never
  shows an expired message or treats an expired claim as live:
    message live   <=>  now < ex
    claim live     <=>  now < claim ex   (mirrored on the message as ce)
    message visible <=> va <= now
  Numbers reach Redis through Lua's %.14g formatting: exact for ms
  timestamps below 1e14 (year 5138).
]]
local SLACK = 600000

local Q = {}
local function openGen(gen)
  local g = KEYS[2] .. gen .. ':'
  Q.gen = gen
  Q.all = g .. 'all'
  Q.free = g .. 'free'
  Q.delayed = g .. 'delayed'
  Q.exp = g .. 'exp'
  Q.held = g .. 'held'
  Q.claims = g .. 'claims'
  Q.m = g .. 'm:'
  Q.c = g .. 'c:'
  Q.cm = g .. 'cm:'
end

-- Opens the live generation; false when the queue does not exist.
local function openQueue()
  local gen = rcall('HGET', KEYS[1], 'gen')
  if not gen then return false end
  openGen(gen)
  return true
end

-- Safety net: make `key` live at least `ms` more (keys without expiry get one).
local function keepFor(key, ms)
  local t = rcall('PTTL', key)
  if t == -1 or (t >= 0 and t < ms) then rcall('PEXPIRE', key, ms) end
end

-- The generation's sorted sets outlive their longest-lived member (expiry `untilMs`).
local function keepSets(untilMs)
  local ms = untilMs - now + SLACK
  keepFor(Q.all, ms); keepFor(Q.free, ms); keepFor(Q.delayed, ms)
  keepFor(Q.exp, ms); keepFor(Q.held, ms); keepFor(Q.claims, ms)
end

-- Removes a message and every reference to it.
local function dropMessage(id)
  local cl = rcall('HGET', Q.m .. id, 'cl')
  if cl and cl ~= '' then rcall('ZREM', Q.cm .. cl, id) end
  rcall('DEL', Q.m .. id)
  rcall('ZREM', Q.all, id); rcall('ZREM', Q.free, id); rcall('ZREM', Q.delayed, id)
  rcall('ZREM', Q.exp, id); rcall('ZREM', Q.held, id)
end

-- A held message leaves its claim and is free again with its original sequence.
local function unholdMessage(id)
  rcall('ZREM', Q.held, id)
  local f = rcall('HMGET', Q.m .. id, 'seq', 'cl')
  if not f[1] then return end
  if f[2] and f[2] ~= '' then rcall('ZREM', Q.cm .. f[2], id) end
  rcall('HSET', Q.m .. id, 'cl', '', 'ce', '0')
  rcall('ZADD', Q.free, f[1], id)
end

-- A claim must not outlive its messages: a message (expiry `ex`) that would
-- expire before the claim (expiry `cex`) lives on until cex + grace, with
-- ttl = claim ttl + grace. Answers the message's expiry afterwards.
local function outliveClaim(id, ex, cex, ttl, grace)
  if ex >= cex then return ex end
  local newEx = cex + grace * 1000
  rcall('HSET', Q.m .. id, 'ttl', ttl + grace, 'ex', newEx)
  rcall('ZADD', Q.exp, newEx, id)
  rcall('PEXPIRE', Q.m .. id, newEx - now + SLACK)
  return newEx
end

-- Paging marker of a message: "<generation>-<seq>", so markers of a deleted
-- or purged incarnation never alias messages of the current one.
local function markerOf(seq)
  return Q.gen .. '-' .. seq
end

-- The message as returned to the driver, or nil when absent or expired:
-- {id, body, ttl, created, expires, visibleAt, clientId, liveClaimId, claimCount, marker}
local function readMessage(id)
  local f = rcall('HMGET', Q.m .. id, 'b', 'ttl', 'cr', 'ex', 'va', 'cid', 'cl', 'ce', 'cc', 'seq')
  if not f[1] or tonumber(f[4]) <= now then return nil end
  local claim = ''
  if f[7] ~= '' and tonumber(f[8]) > now then claim = f[7] end
  return {id, f[1], f[2], f[3], f[4], f[5], f[6], claim, f[9], markerOf(f[10])}
end

-- Bounded housekeeping: releases holds of expired claims, drops expired claim
-- records, promotes due delayed messages, reaps expired messages; at most
-- `budget` items in all. Returns true when nothing due is left.
local function housekeep(budget)
  local caughtUp = true
  local function due(key)
    if budget <= 0 then caughtUp = false; return {} end
    local ids = rcall('ZRANGEBYSCORE', key, '-inf', now, 'LIMIT', 0, budget)
    if #ids == budget then caughtUp = false end
    budget = budget - #ids
    return ids
  end
  for _, id in ipairs(due(Q.held)) do unholdMessage(id) end
  for _, c in ipairs(due(Q.claims)) do
    rcall('DEL', Q.c .. c, Q.cm .. c)
    rcall('ZREM', Q.claims, c)
  end
  for _, id in ipairs(due(Q.delayed)) do
    rcall('ZREM', Q.delayed, id)
    local seq = rcall('HGET', Q.m .. id, 'seq')
    if seq then rcall('ZADD', Q.free, seq, id) end
  end
  for _, id in ipairs(due(Q.exp)) do dropMessage(id) end
  return caughtUp
end

-- Up to `limit` claimable message ids (free, visible, live), oldest first.
-- Call after housekeep() reported caught up, so no claim or delay is due.
local function pickFree(limit)
  local picked, offset = {}, 0
  while #picked < limit do
    local ids = rcall('ZRANGE', Q.free, offset, offset + limit - #picked - 1)
    if #ids == 0 then break end
    for _, id in ipairs(ids) do
      local f = rcall('HMGET', Q.m .. id, 'ex', 'va', 'cl', 'ce')
      if not f[1] or tonumber(f[1]) <= now then
        dropMessage(id) -- leaves `free`, so the offset stays
      else
        offset = offset + 1
        local held = f[3] ~= '' and tonumber(f[4]) > now
        if tonumber(f[2]) <= now and not held then picked[#picked + 1] = id end
      end
    end
  end
  return picked
end
