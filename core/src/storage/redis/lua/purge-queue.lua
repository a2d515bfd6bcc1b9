--[[
  Purges a queue: every message and claim goes, the queue and its metadata,
  version and sequence stay. The queue gets a fresh generation, so markers
  of the purged messages never alias new ones, and every key but the record
  is unlinked (O(1) work here; Redis frees large values in the background).

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  new generation token (12 hex digits)

  Returns: 1 purged, 0 the queue did not exist.
]]
local rcall = redis.call
-- @include queue

if rcall('EXISTS', KEYS[1]) == 0 then return 0 end
rcall('HSET', KEYS[1], 'gen', ARGV[1], 'due', int(NEVER), 'hz', '0')
rcall('UNLINK', Q.all, Q.free, Q.delayed, Q.exp, Q.held, Q.claims, Q.m, Q.claim, Q.moved)
return 1
