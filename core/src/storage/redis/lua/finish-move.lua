--[[
  Ends a dead-letter move here, the source queue, once accept-messages.lua
  has taken the messages into the dead-letter queue: drops each listed
  message still held by the transfer claim, and the transfer claim itself.
  A message no longer held by it (its lease ran out and a later claim took
  it over) is left to that claim.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms)
  ARGV[2]  transfer claim id
  ARGV[3 ..]  the moved message ids

  Returns: the number of messages dropped.
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue
-- @include drop

local ids, states = {}, {}
for i = 3, #ARGV do states[#states + 1] = 'c:' .. ARGV[i] end
local got = rcall('HMGET', Q.m, unpack(states))
for i, state in ipairs(got) do
  local _, _, claimId = parseCs(state)
  if state and claimId == ARGV[2] then ids[#ids + 1] = ARGV[i + 2] end
end
dropMessages(ids, 'held')
rcall('HDEL', Q.claim, ARGV[2])
rcall('ZREM', Q.claims, ARGV[2])
return #ids
