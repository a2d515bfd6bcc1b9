--[[
  Posts a batch of messages atomically, in order, creating the queue when absent.
  In the same MULTI, just before this script, the driver writes with native
  commands what it already knows: each message's body and info into Q.m
  (lib/queue.lua), its expiry into `exp` and, for delayed ones, its visible-at
  time into `delayed`. So bodies never pass through Lua; this script assigns
  the sequences (`all`; claims find new messages there, after their frontier,
  see lib/pick.lua), or removes those entries again when it refuses the batch.

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
  rcall('HSET', KEYS[1], 'meta', '{}', 'ver', ARGV[4], 'gen', ARGV[5], 'seq', '0', 'front', '0', 'created', ARGV[1], 'due', int(NEVER), 'hz', '0')
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

-- m and exp have entries exactly when `all` has members, so `all` tells
-- whether this call creates keys (`delayed` may be new too).
local keys = {Q.all, Q.exp, Q.m, Q.delayed}
local fresh = rcall('EXISTS', Q.all) == 0 or (d > 0 and rcall('PTTL', Q.delayed) < 0)
if n > 0 then rcall('ZADD', Q.all, unpack(all)) end
lowerDue(tonumber(ARGV[6]))
keep(tonumber(ARGV[7]), keys, fresh)
return created
