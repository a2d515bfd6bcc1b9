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
local mine, fields, states = {}, {}, {}
if #c.ids > 0 then
  local all, tail = {}, '|' .. claimId
  for i, id in ipairs(c.ids) do all[i] = 'c:' .. id end
  -- A claim state names this claim iff it ends with "|<claim id>".
  for i, cs in ipairs(rcall('HMGET', Q.m, unpack(all))) do
    if cs and string.find(cs, tail, -#tail, true) then
      mine[#mine + 1] = c.ids[i]; fields[#fields + 1] = all[i]; states[#states + 1] = cs
    end
  end
end
unholdMessages(mine, fields, states)
rcall('HDEL', Q.claim, claimId)
rcall('ZREM', Q.claims, claimId)
return #mine
