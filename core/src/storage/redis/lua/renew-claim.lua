--[[
  Renews a live claim: expiry = now + ttl, ttl = ttl, updatedAt = now. Each
  message it holds gets the new claim expiry and, when it would expire before
  it, ttl = ttl + grace and expiry = now + ttl + grace.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms)
  ARGV[2]  housekeeping budget (items)
  ARGV[3]  claim id
  ARGV[4]  new claim ttl (s)
  ARGV[5]  grace (s)

  Returns: 1.
  Status: -3 CLAIM_NOT_FOUND (absent, expired, or the queue is absent).
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue

if not openQueue() then return -3 end
housekeep(tonumber(ARGV[2]))
local claimId, ttl, grace = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local old = rcall('HGET', Q.c .. claimId, 'ex')
if not old or tonumber(old) <= now then return -3 end

local cex = now + ttl * 1000
local latest = cex
for _, id in ipairs(rcall('ZRANGE', Q.cm .. claimId, 0, -1)) do
  local m = Q.m .. id
  local f = rcall('HMGET', m, 'ex', 'cl')
  if f[1] and f[2] == claimId and tonumber(f[1]) > now then
    rcall('HSET', m, 'ce', cex)
    rcall('ZADD', Q.held, cex, id)
    local ex = outliveClaim(id, tonumber(f[1]), cex, ttl, grace)
    if ex > latest then latest = ex end
  else
    rcall('ZREM', Q.cm .. claimId, id)
  end
end
rcall('HSET', Q.c .. claimId, 'ttl', ttl, 'up', now, 'ex', cex)
rcall('ZADD', Q.claims, cex, claimId)
rcall('PEXPIRE', Q.c .. claimId, cex - now + SLACK)
rcall('PEXPIRE', Q.cm .. claimId, cex - now + SLACK)
keepSets(latest)
return 1
