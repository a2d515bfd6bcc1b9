--[[
  Reads messages by id (claimed and delayed ones alike), in the order asked.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms)
  ARGV[2]  housekeeping budget (items)
  ARGV[3..] message ids

  Returns: the live messages among the ids, as reply() in lib/read.lua.
  Status: -1 QUEUE_NOT_FOUND.
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue
-- @include drop
-- @include housekeep
-- @include read

if not openQueue() then return -1 end
housekeep()
local ids = {}
for i = 3, #ARGV do ids[#ids + 1] = ARGV[i] end
return (readMessages(ids, rcall('ZMSCORE', Q.all, unpack(ids))))
