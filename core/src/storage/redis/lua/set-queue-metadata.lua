--[[
  Replaces a queue's metadata if its version is still the one the caller read
  (optimistic concurrency), giving it a new version.

  KEYS[1]  queue record       zq:{P/Q}:q
  ARGV[1]  metadata (JSON text)
  ARGV[2]  ifVersion
  ARGV[3]  new version token

  Returns: 1.
  Status: -1 QUEUE_NOT_FOUND, -7 QUEUE_VERSION_MISMATCH.
]]
local rcall = redis.call
local ver = rcall('HGET', KEYS[1], 'ver')
if not ver then return -1 end
if ver ~= ARGV[2] then return -7 end
rcall('HSET', KEYS[1], 'meta', ARGV[1], 'ver', ARGV[3])
return 1
