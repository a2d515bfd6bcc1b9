--[[
  Claims up to `limit` messages atomically: oldest first, skipping claimed,
  delayed and expired ones. Claimed messages get claimCount+1; one that would
  expire before the claim gets ttl = claim ttl + grace, expiry = now + ttl + grace.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms)
  ARGV[2]  housekeeping budget (items)
  ARGV[3]  new claim id
  ARGV[4]  claim ttl (s)
  ARGV[5]  grace (s)
  ARGV[6]  limit

  Returns: {} when nothing was claimed (no claim created; also for an unknown
  queue), else {ttl, updatedAt, expiresAt, messages} with messages as
  readMessage() in lib/queue.lua, oldest first.
  Status: -100 BEHIND (housekeeping backlog exceeds the budget; nothing done, call again).
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue

if not openQueue() then return {} end
if not housekeep(tonumber(ARGV[2])) then return -100 end

local claimId, ttl, grace = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local ids = pickFree(tonumber(ARGV[6]))
if #ids == 0 then return {} end

local cex = now + ttl * 1000
local latest = cex
local messages = {}
for _, id in ipairs(ids) do
  local m = Q.m .. id
  local f = rcall('HMGET', m, 'ex', 'seq')
  rcall('ZREM', Q.free, id)
  rcall('ZADD', Q.held, cex, id)
  rcall('ZADD', Q.cm .. claimId, f[2], id)
  rcall('HSET', m, 'cl', claimId, 'ce', cex)
  rcall('HINCRBY', m, 'cc', 1)
  local ex = outliveClaim(id, tonumber(f[1]), cex, ttl, grace)
  if ex > latest then latest = ex end
  messages[#messages + 1] = readMessage(id)
end
rcall('HSET', Q.c .. claimId, 'ttl', ttl, 'up', now, 'ex', cex)
rcall('ZADD', Q.claims, cex, claimId)
rcall('PEXPIRE', Q.c .. claimId, cex - now + SLACK)
rcall('PEXPIRE', Q.cm .. claimId, cex - now + SLACK)
keepSets(latest)
return {ttl, now, cex, messages}
