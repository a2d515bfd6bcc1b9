--[[
  Creates the queue with the given metadata unless it exists (insert if absent).

  KEYS[1]  queue record       zq:{P/Q}:q
  ARGV[1]  now (ms)
  ARGV[2]  metadata (JSON text)
  ARGV[3]  version token
  ARGV[4]  generation token (12 hex digits)

  Returns: 1 created, 0 already existed (metadata unchanged).
]]
local rcall = redis.call
if rcall('EXISTS', KEYS[1]) == 1 then return 0 end
-- due: nothing scheduled (lib/queue.lua NEVER); hz: no key armed yet.
rcall('HSET', KEYS[1], 'meta', ARGV[2], 'ver', ARGV[3], 'gen', ARGV[4], 'seq', '0', 'front', '0', 'created', ARGV[1], 'due', '1000000000000000', 'hz', '0')
return 1
