--[[
  Deletes the listed messages whether claimed or not, atomically; unknown ids
  are ignored. Claims holding them survive without them. Like delete-message,
  needs no queue record and does not housekeep.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms)
  ARGV[2]  housekeeping budget (unused: deletes do not housekeep)
  ARGV[3..] message ids

  Returns: the number of stored messages removed.
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue
-- @include drop

local ids = {}
for i = 3, #ARGV do ids[#ids + 1] = ARGV[i] end
local stored, seen = {}, {}
for i, seq in ipairs(rcall('ZMSCORE', Q.all, unpack(ids))) do
  if seq and not seen[ids[i]] then stored[#stored + 1] = ids[i]; seen[ids[i]] = true end
end
dropMessages(stored)
return #stored
