--[[
  Releases a claim: the messages it still holds are free at once (extended
  TTLs stay), the claim is gone. No error when absent or expired.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms)
  ARGV[2]  housekeeping budget (items)
  ARGV[3]  claim id

  Returns: the number of messages released.
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue

if not openQueue() then return 0 end
housekeep(tonumber(ARGV[2]))
local claimId = ARGV[3]
local released = 0
for _, id in ipairs(rcall('ZRANGE', Q.cm .. claimId, 0, -1)) do
  if rcall('HGET', Q.m .. id, 'cl') == claimId then
    unholdMessage(id)
    released = released + 1
  end
end
rcall('DEL', Q.c .. claimId, Q.cm .. claimId)
rcall('ZREM', Q.claims, claimId)
return released
