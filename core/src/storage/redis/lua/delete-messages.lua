--[[
  Deletes the listed messages whether claimed or not, atomically; unknown ids
  are ignored. Claims holding them survive without them.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms)
  ARGV[2]  housekeeping budget (items)
  ARGV[3..] message ids

  Returns: the number of stored messages removed.
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue

if not openQueue() then return 0 end
housekeep(tonumber(ARGV[2]))
local removed = 0
for i = 3, #ARGV do
  if rcall('EXISTS', Q.m .. ARGV[i]) == 1 then removed = removed + 1 end
  dropMessage(ARGV[i])
end
return removed
