--[[
  Reads a live claim and the live messages it still holds, in enqueue order.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms)
  ARGV[2]  housekeeping budget (items)
  ARGV[3]  claim id

  Returns: {ttl, updatedAt, expiresAt, messages}, messages as readMessage() in lib/queue.lua.
  Status: -3 CLAIM_NOT_FOUND (absent, expired, or the queue is absent).
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue

if not openQueue() then return -3 end
housekeep(tonumber(ARGV[2]))
local claimId = ARGV[3]
local c = rcall('HMGET', Q.c .. claimId, 'ttl', 'up', 'ex')
if not c[3] or tonumber(c[3]) <= now then return -3 end
local messages = {}
for _, id in ipairs(rcall('ZRANGE', Q.cm .. claimId, 0, -1)) do
  local msg = readMessage(id)
  if msg and msg[8] == claimId then messages[#messages + 1] = msg end
end
return {c[1], c[2], c[3], messages}
