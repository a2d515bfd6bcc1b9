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
-- @include drop
-- @include housekeep
-- @include claim

if not openQueue() then return 0 end
housekeep()
local claimId = ARGV[3]
local c = parseClaim(rcall('HGET', Q.claim, claimId))
if not c then return 0 end
local mine = {}
if #c.ids > 0 then
  local fields = {}
  for i, id in ipairs(c.ids) do fields[i] = 'c:' .. id end
  for i, cs in ipairs(rcall('HMGET', Q.m, unpack(fields))) do
    local _, _, cl = parseCs(cs)
    if cl == claimId then mine[#mine + 1] = c.ids[i] end
  end
end
unholdMessages(mine)
rcall('HDEL', Q.claim, claimId)
rcall('ZREM', Q.claims, claimId)
return #mine
