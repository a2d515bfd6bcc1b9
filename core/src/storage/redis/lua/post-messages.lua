--[[
  Posts a batch of messages atomically, in order, creating the queue when absent.
  In the same MULTI, just before this script, the driver writes with native
  commands what it already knows: each message's body and info into Q.m
  (lib/queue.lua), its expiry into `exp` and, for delayed ones, its visible-at
  time into `delayed`. So bodies never pass through Lua; this script assigns
  the sequences (all, free), or removes those entries again when it refuses
  the batch.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms, from the injected clock)
  ARGV[2]  housekeeping budget (items)
  ARGV[3]  ifVersion: the version the caller validated against ("" = queue absent)
  ARGV[4]  version token for a queue created here (only read when ARGV[3] is "")
  ARGV[5]  generation token for a queue created here (likewise)
  ARGV[6]  earliest expiry or visible-at time in the batch (ms)
  ARGV[7]  latest expiry in the batch (ms)
  ARGV[8]  d, the number of delayed messages
  ARGV[9 .. #ARGV-d]  the message ids, in order
  ARGV[#ARGV-d+1 ..]  the ids of the delayed ones among them

  Returns: 1 when this call created the queue, 0 otherwise.
  Status: -7 QUEUE_VERSION_MISMATCH (nothing stored).
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue
-- @include drop
-- @include keep
-- @include housekeep

local d = tonumber(ARGV[8])
local n = #ARGV - 8 - d
local created = 0
local ok = openQueue('ver', 'hz')
if not ok and ARGV[3] == '' then
  rcall('HSET', KEYS[1], 'meta', '{}', 'ver', ARGV[4], 'gen', ARGV[5], 'seq', '0', 'created', ARGV[1], 'due', int(NEVER), 'hz', '0')
  R.due, R.hz = NEVER, '0'
  created = 1
elseif not ok or R.ver ~= ARGV[3] then
  if n > 0 then dropMessages({unpack(ARGV, 9, 8 + n)}, 'waiting') end
  return -7
end
housekeep()

local seq = rcall('HINCRBY', KEYS[1], 'seq', int(n)) - n
local all = {}
for i = 1, n do
  all[2 * i - 1] = int(seq + i)
  all[2 * i] = ARGV[8 + i]
end
local free = all
if d > 0 then
  local delayed = {}
  for i = 9 + n, #ARGV do delayed[ARGV[i]] = true end
  free = {}
  for i = 1, n do
    if not delayed[all[2 * i]] then free[#free + 1] = all[2 * i - 1]; free[#free + 1] = all[2 * i] end
  end
end

-- m, exp and delayed have entries exactly when `all` has members, so `all`
-- and `free` tell whether this call creates keys.
local keys = {Q.all, Q.free, Q.exp, Q.m, Q.delayed}
local fresh = rcall('EXISTS', Q.all, Q.free) < 2
if n > 0 then rcall('ZADD', Q.all, unpack(all)) end
if #free > 0 then rcall('ZADD', Q.free, unpack(free)) end
lowerDue(tonumber(ARGV[6]))
keep(tonumber(ARGV[7]), keys, fresh)
return created
