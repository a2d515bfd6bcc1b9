--[[
  Changes the given fields of a live subscription atomically. A new ttl
  comes with its new expiry (now + ttl, computed by the driver).

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms)
  ARGV[2]  subscription id
  ARGV[3]  "1": set the subscriber to ARGV[4]; "0": keep it
  ARGV[4]  new subscriber
  ARGV[5]  new ttl (s), "" to keep it
  ARGV[6]  new expiry (ms), read with ARGV[5]
  ARGV[7]  "1": set the options to ARGV[8]; "0": keep them
  ARGV[8]  new options

  Returns: 1.
  Status: -8 SUBSCRIPTION_NOT_FOUND, -9 SUBSCRIPTION_EXISTS (nothing changed).
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue
-- @include subscription

local id = ARGV[2]
local rec = rcall('HGET', Q.sub, id)
if not liveSub(rec) then return -8 end
local ex, cf, ttl, cr, subscriber, options = parseSub(rec)

if ARGV[3] == '1' and ARGV[4] ~= subscriber then
  local other = rcall('HGET', Q.suburi, ARGV[4])
  if other and other ~= id then
    if liveSub(rcall('HGET', Q.sub, other)) then return -9 end
    dropSubscriptions({other})
  end
  if rcall('HGET', Q.suburi, subscriber) == id then rcall('HDEL', Q.suburi, subscriber) end
  rcall('HSET', Q.suburi, ARGV[4], id)
  subscriber = ARGV[4]
end
if ARGV[5] ~= '' then
  ttl, ex = ARGV[5], ARGV[6]
  rcall('ZADD', Q.subexp, ex, id)
end
if ARGV[7] == '1' then options = ARGV[8] end
rcall('HSET', Q.sub, id, packSub(ex, cf, ttl, cr, subscriber, options))
return 1
