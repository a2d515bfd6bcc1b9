--[[
  Purges a queue: every message and claim goes, the queue and its metadata,
  version and sequence stay. The queue switches to a fresh generation (so the
  old one is unreachable at once) and the old generation is queued for
  collection (bounded batches here and in collect-trash.lua).

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  KEYS[3]  trash set          zq:{P/Q}:trash
  ARGV[1]  now (ms)
  ARGV[2]  collection budget (keys)
  ARGV[3]  new generation token (12 hex digits)

  Returns: 1 when collection work remains (call collect-trash), 0 when done.
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue
-- @include trash

local gen = rcall('HGET', KEYS[1], 'gen')
if gen then
  rcall('HSET', KEYS[1], 'gen', ARGV[3])
  rcall('SADD', KEYS[3], gen)
  openGen(gen)
  keepFor(KEYS[3], math.max(rcall('PTTL', Q.all), rcall('PTTL', Q.exp), SLACK))
end
return collectTrash(tonumber(ARGV[2]))
