--[[
  Posts a batch of messages atomically, in order, creating the queue when absent.
  The driver writes each message's body and info into Q.m (lib/queue.lua) with
  one native HSET in the same MULTI, just before this script, so bodies never
  pass through Lua; this script indexes the messages, or removes those fields
  again when it refuses the batch.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms, from the injected clock)
  ARGV[2]  housekeeping budget (items)
  ARGV[3]  ifVersion: the version the caller validated against ("" = queue absent)
  ARGV[4]  version token for a queue created here (only read when ARGV[3] is "")
  ARGV[5]  generation token for a queue created here (likewise)
  ARGV[6+3i .. 8+3i]  per message: id, expires-at ms, visible-at ms

  Returns: 1 when this call created the queue, 0 otherwise.
  Status: -7 QUEUE_VERSION_MISMATCH (nothing stored).
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue
-- @include drop
-- @include keep
-- @include housekeep

local count = (#ARGV - 5) / 3
local created = 0
if not openQueue('ver', 'hz') then
  if ARGV[3] ~= '' then
    local ids = {}
    for i = 0, count - 1 do ids[#ids + 1] = ARGV[6 + 3 * i] end
    dropMessages(ids, 'free')
    return -7
  end
  rcall('HSET', KEYS[1], 'meta', '{}', 'ver', ARGV[4], 'gen', ARGV[5], 'seq', '0', 'created', ARGV[1], 'due', int(NEVER), 'hz', '0')
  R.gen, R.due, R.hz = ARGV[5], NEVER, '0'
  created = 1
elseif R.ver ~= ARGV[3] then
  local ids = {}
  for i = 0, count - 1 do ids[#ids + 1] = ARGV[6 + 3 * i] end
  dropMessages(ids, 'free')
  return -7
end
housekeep()

local seq = rcall('HINCRBY', KEYS[1], 'seq', int(count)) - count
local all, exp, free, delayed = {}, {}, {}, {}
-- Numbers of the time strings, parsed once per distinct value in the batch.
local num = {}
local first, latest = NEVER, now
for i = 0, count - 1 do
  local a = 6 + 3 * i
  local id, ex, va = ARGV[a], ARGV[a + 1], ARGV[a + 2]
  local exN, vaN = num[ex], num[va]
  if not exN then exN = tonumber(ex); num[ex] = exN end
  if not vaN then vaN = tonumber(va); num[va] = vaN end
  local s = int(seq + 1 + i)
  all[#all + 1] = s; all[#all + 1] = id
  exp[#exp + 1] = ex; exp[#exp + 1] = id
  if vaN > now then
    delayed[#delayed + 1] = va; delayed[#delayed + 1] = id
    if vaN < first then first = vaN end
  else
    free[#free + 1] = s; free[#free + 1] = id
  end
  if exN < first then first = exN end
  if exN > latest then latest = exN end
end

-- Q.m has fields exactly when `all` has members: one EXISTS tells which keys are new.
local keys = {Q.all, Q.exp}
if #free > 0 then keys[#keys + 1] = Q.free end
if #delayed > 0 then keys[#keys + 1] = Q.delayed end
local fresh = rcall('EXISTS', unpack(keys)) < #keys
rcall('ZADD', Q.all, unpack(all))
rcall('ZADD', Q.exp, unpack(exp))
if #free > 0 then rcall('ZADD', Q.free, unpack(free)) end
if #delayed > 0 then rcall('ZADD', Q.delayed, unpack(delayed)) end
lowerDue(first)
keys[#keys + 1] = Q.m
keep(latest, keys, fresh)
return created
