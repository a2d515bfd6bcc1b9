--[[
  Posts a batch of messages atomically, in order, creating the queue when absent.
  Everything about the messages arrives in ARGV already laid out as the
  commands want it, so the script issues one command per key (HSET of bodies
  and infos into Q.m, ZADD of expiries, of visible-at times, of sequences;
  one per 1,000 messages in huge batches) and builds only the sequence list. One script call instead of a
  MULTI of native writes costs Redis a little more (the bodies pass through
  Lua strings) and the core much less (one command to encode, not five).

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms, from the injected clock)
  ARGV[2]  housekeeping budget (items)
  ARGV[3]  ifVersion: the version the caller validated against ("" = queue absent)
  ARGV[4]  version token for a queue created here (only read when ARGV[3] is "")
  ARGV[5]  generation token for a queue created here (likewise)
  ARGV[6]  earliest expiry or visible-at time in the batch (ms)
  ARGV[7]  latest expiry in the batch (ms)
  ARGV[8]  n, the number of messages
  ARGV[9]  d, the number of delayed messages among them
  ARGV[10] which subscriptions get notification jobs: "all" or "confirmed"
  then 4n  HSET pairs of Q.m per message, in order: <id> body, i:<id> info
  then 2n  ZADD pairs of `exp`: expires-at, id
  then 2d  ZADD pairs of `delayed`: visible-at, id

  Notifications: only when the record's `subn` (read with the fields the
  post reads anyway) says the queue has subscriptions, one job per
  (message, live subscription passing ARGV[10]) is recorded, due now, with
  one copy of each message's body and info in Q.job (keys.ts).

  Returns: 1 when this call created the queue, 0 otherwise, plus 2 when it
  recorded notification jobs.
  Status: -7 QUEUE_VERSION_MISMATCH (nothing stored).
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue
-- @include create
-- @include drop
-- @include keep
-- @include housekeep

-- Lua's unpack stops near 8,000 values, and a post has no count limit (only
-- its size), so long argument lists go to Redis in slices of this many.
local SLICE = 4000
local function sliced(cmd, key, list, from, to)
  for a = from, to, SLICE do rcall(cmd, key, unpack(list, a, math.min(a + SLICE - 1, to))) end
end

local n, d = tonumber(ARGV[8]), tonumber(ARGV[9])
local FIELDS = 11
local EXP = FIELDS + 4 * n
local DELAYED = EXP + 2 * n
local created = 0
local ok = openQueue('ver', 'hz', 'subn')
if not ok and ARGV[3] == '' then
  createRecord(ARGV[4], ARGV[5])
  created = 1
elseif not ok or R.ver ~= ARGV[3] then
  return -7
end
housekeep()
if n == 0 then return created end

local seq = rcall('HINCRBY', KEYS[1], 'seq', int(n)) - n
local all = {}
for i = 1, n do
  all[2 * i - 1] = int(seq + i)
  all[2 * i] = ARGV[FIELDS + 4 * (i - 1)]
end

-- m and exp have entries exactly when `all` has members, so `all` tells
-- whether this call creates keys (`delayed` may be new too).
local keys = {Q.all, Q.exp, Q.m, Q.delayed}
local fresh = rcall('EXISTS', Q.all) == 0 or (d > 0 and rcall('PTTL', Q.delayed) < 0)
sliced('HSET', Q.m, ARGV, FIELDS, EXP - 1)
sliced('ZADD', Q.exp, ARGV, EXP, DELAYED - 1)
sliced('ZADD', Q.delayed, ARGV, DELAYED, DELAYED + 2 * d - 1)
sliced('ZADD', Q.all, all, 1, 2 * n)
lowerDue(tonumber(ARGV[6]))
keep(tonumber(ARGV[7]), keys, fresh)
if not R.subn or tonumber(R.subn) <= 0 then return created end

-- Notification jobs "n:<subscription id>:<message id>" (keys.ts).
local subs = rcall('HGETALL', Q.sub)
local prefixes = {}
for i = 1, #subs, 2 do
  local ex, cf = string.match(subs[i + 1], '^(%d+)|([01])|')
  if tonumber(ex) > now and (cf == '1' or ARGV[10] ~= 'confirmed') then prefixes[#prefixes + 1] = 'n:' .. subs[i] .. ':' end
end
if #prefixes == 0 then return created end
local jobs, refs, s = {}, {}, int(#prefixes)
for i = 1, n do
  local id = ARGV[FIELDS + 4 * (i - 1)]
  for _, p in ipairs(prefixes) do jobs[#jobs + 1] = ARGV[1]; jobs[#jobs + 1] = p .. id end
  refs[2 * i - 1] = 'r:' .. id; refs[2 * i] = s
end
sliced('ZADD', Q.jobs, jobs, 1, #jobs)
sliced('HSET', Q.job, ARGV, FIELDS, EXP - 1)
sliced('HSET', Q.job, refs, 1, 2 * n)
return created + 2
