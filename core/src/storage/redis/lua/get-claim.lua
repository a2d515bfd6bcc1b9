--[[
  Reads a live claim and the live messages it still holds, in enqueue order.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms)
  ARGV[2]  housekeeping budget (items)
  ARGV[3]  claim id

  Returns: {ttl, updatedAt, expiresAt, messages}, messages as reply() in lib/read.lua.
  Status: -3 CLAIM_NOT_FOUND (absent, expired, or the queue is absent).
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue
-- @include drop
-- @include housekeep
-- @include read
-- @include claim

if not openQueue() then return -3 end
housekeep()
local claimId = ARGV[3]
local c = parseClaim(rcall('HGET', Q.claim, claimId))
if not c or c.exN <= now then return -3 end
local messages = {}
if #c.ids > 0 then
  messages = readMessages(c.ids, rcall('ZMSCORE', Q.all, unpack(c.ids)), function(_, cs)
    local _, _, cl = parseCs(cs)
    return cl == claimId
  end)
end
return {c.ttl, c.up, c.ex, messages}
