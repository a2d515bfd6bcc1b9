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
-- @include drop
-- @include keep
-- @include housekeep
-- @include claim

if not openQueue('hz') then return -3 end
housekeep()
local claimId, ttl = ARGV[3], tonumber(ARGV[4])
local old = parseClaim(rcall('HGET', Q.claim, claimId))
if not old or old.exN <= now then return -3 end

local cexN = now + ttl * 1000
local cex = int(cexN)
local kept, set, held = {}, {}, {}
if #old.ids > 0 then
  local fields = {}
  for i, id in ipairs(old.ids) do fields[i] = 'c:' .. id end
  -- A claim state names this claim iff it ends with "|<claim id>"; such a
  -- message is live, as the live claim never outlives it.
  local states, tail = rcall('HMGET', Q.m, unpack(fields)), '|' .. claimId
  for i, id in ipairs(old.ids) do
    local cs = states[i]
    if cs and string.find(cs, tail, -#tail, true) then
      kept[#kept + 1] = id
      set[#set + 1] = fields[i]; set[#set + 1] = string.match(cs, '^%d+') .. '|' .. cex .. '|' .. claimId
      held[#held + 1] = cex; held[#held + 1] = id
    end
  end
end
-- Every key written exists already: the claim is live and its messages held.
local latest = cexN
if #kept > 0 then
  rcall('HSET', Q.m, unpack(set))
  rcall('ZADD', Q.held, unpack(held))
  latest = outliveClaim(kept, cexN, cex, ttl, tonumber(ARGV[5]))
end
rcall('HSET', Q.claim, claimId, ARGV[4] .. '|' .. ARGV[1] .. '|' .. cex .. '|' .. table.concat(kept, ','))
rcall('ZADD', Q.claims, cex, claimId)
lowerDue(cexN)
keep(latest, {}, false)
return 1
