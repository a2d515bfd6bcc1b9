--[[
  Posts a batch of messages atomically, in order, creating the queue when absent.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms, from the injected clock)
  ARGV[2]  housekeeping budget (items)
  ARGV[3]  ifVersion: the version the caller validated against ("" = queue absent)
  ARGV[4]  version token for a queue created here
  ARGV[5]  generation token for a queue created here
  ARGV[6]  client id of the producer
  ARGV[7+4i .. 10+4i]  per message: id, body (JSON text), ttl (s), delay (s)

  Returns: 1 when this call created the queue, 0 otherwise.
  Status: -7 QUEUE_VERSION_MISMATCH (nothing stored).
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue

local created = 0
local ver = rcall('HGET', KEYS[1], 'ver')
if (ver or '') ~= ARGV[3] then return -7 end
if not ver then
  rcall('HSET', KEYS[1], 'meta', '{}', 'ver', ARGV[4], 'gen', ARGV[5], 'seq', 0, 'created', now)
  created = 1
end
openQueue()
housekeep(tonumber(ARGV[2]))

local count = (#ARGV - 6) / 4
local seq = rcall('HINCRBY', KEYS[1], 'seq', count) - count
local latest = now
for i = 0, count - 1 do
  local a = 7 + 4 * i
  local id, ttl, delay = ARGV[a], tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3])
  local ex, va = now + ttl * 1000, now + delay * 1000
  seq = seq + 1
  local m = Q.m .. id
  rcall('HSET', m, 'b', ARGV[a + 1], 'ttl', ttl, 'cr', now, 'ex', ex, 'va', va,
    'cid', ARGV[6], 'cl', '', 'ce', 0, 'cc', 0, 'seq', seq)
  rcall('PEXPIRE', m, ex - now + SLACK)
  rcall('ZADD', Q.all, seq, id)
  rcall('ZADD', Q.exp, ex, id)
  if va > now then rcall('ZADD', Q.delayed, va, id) else rcall('ZADD', Q.free, seq, id) end
  if ex > latest then latest = ex end
end
keepSets(latest)
return created
