--[[
  Creates a subscription (unconfirmed), creating the queue when absent. When
  a live subscription of the queue has the subscriber: an unconfirmed one is
  answered unchanged, a confirmed one is a conflict. An expired one is
  removed first. With a confirmation document, a subscription-confirmation
  job carrying it is recorded, due now, for the resulting subscription.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms)
  ARGV[2]  id for a new subscription
  ARGV[3]  subscriber
  ARGV[4]  packed subscription for a new one (keys.ts)
  ARGV[5]  its expiry (ms)
  ARGV[6]  "1": record a confirmation job; "0": none
  ARGV[7]  its document
  ARGV[8]  its token (job id "c:<subscription id>:<token>")
  ARGV[9]  version token for a queue created here
  ARGV[10] generation token for a queue created here

  Returns: {created (1/0), subscription id, queue created (1/0)}.
  Status: -9 SUBSCRIPTION_EXISTS (nothing changed).
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue
-- @include create
-- @include subscription
-- @include jobs

local id = rcall('HGET', Q.suburi, ARGV[3])
if id then
  local rec = rcall('HGET', Q.sub, id)
  if liveSub(rec) then
    local _, cf = parseSub(rec)
    if cf == '1' then return -9 end
  else
    dropSubscriptions({id})
    id = false
  end
end

local queueCreated = 0
if rcall('EXISTS', KEYS[1]) == 0 then
  createRecord(ARGV[9], ARGV[10])
  queueCreated = 1
end

local created = 0
if not id then
  id = ARGV[2]
  rcall('HSET', Q.sub, id, ARGV[4])
  rcall('ZADD', Q.subs, '0', id)
  rcall('ZADD', Q.subexp, ARGV[5], id)
  rcall('HSET', Q.suburi, ARGV[3], id)
  rcall('HINCRBY', KEYS[1], 'subn', 1)
  created = 1
end
if ARGV[6] == '1' then recordDocumentJob('c', id, ARGV[8], ARGV[7], ARGV[1]) end
return {created, id, queueCreated}
