--[[
  Accepts messages moved here from another queue of the same project
  (dead-lettering; claim-messages.lua takes them into a transfer claim there,
  finish-move.lua drops them there afterwards). Each is appended at the tail,
  unclaimed and visible, and the queue is created when absent. A marker per
  source message in `moved` makes acceptance happen once, even when a move
  that was interrupted after this script is finished again by a later claim;
  markers are dropped here once they are past their lifetime.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms)
  ARGV[2]  housekeeping budget (items)
  ARGV[3]  version token for a queue created here
  ARGV[4]  generation token for a queue created here
  ARGV[5]  the source queue's name
  ARGV[6]  n, the number of messages
  then 5n  per message: id, body, info (packed as this queue keeps it),
           expires-at (ms), marker expiry (ms: when the source's copy can
           no longer come back, see the driver)

  Returns: {created (1 when this call created the queue, else 0), accepted}.
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue
-- @include create
-- @include drop
-- @include keep
-- @include housekeep

local created = 0
if not openQueue('hz') then
  createRecord(ARGV[3], ARGV[4])
  created = 1
end
housekeep()

local n = tonumber(ARGV[6])
local first, latest = NEVER, now
rcall('ZREMRANGEBYSCORE', Q.moved, '-inf', ARGV[1])
local markers, names = {}, {}
for i = 0, n - 1 do
  -- "<source queue>:<id>": queue names and message ids never contain ':'.
  local a = 7 + 5 * i
  names[i + 1] = ARGV[5] .. ':' .. ARGV[a]
  markers[2 * i + 1] = ARGV[a + 4]; markers[2 * i + 2] = names[i + 1]
  -- The safety net must not take the markers before their time either.
  latest = math.max(latest, tonumber(ARGV[a + 4]))
end
local seen = rcall('ZMSCORE', Q.moved, unpack(names))
local fields, exp, ids = {}, {}, {}
for i = 0, n - 1 do
  local a = 7 + 5 * i
  local id = ARGV[a]
  if not seen[i + 1] then
    ids[#ids + 1] = id
    fields[#fields + 1] = id; fields[#fields + 1] = ARGV[a + 1]
    fields[#fields + 1] = 'i:' .. id; fields[#fields + 1] = ARGV[a + 2]
    exp[#exp + 1] = ARGV[a + 3]; exp[#exp + 1] = id
    local e = tonumber(ARGV[a + 3])
    first = math.min(first, e); latest = math.max(latest, e)
  end
end
if #ids == 0 then return {created, 0} end

local keys = {Q.all, Q.exp, Q.m, Q.moved}
local fresh = rcall('EXISTS', Q.all) == 0 or rcall('EXISTS', Q.moved) == 0
rcall('ZADD', Q.moved, unpack(markers))
local seq = rcall('HINCRBY', KEYS[1], 'seq', #ids) - #ids
local all = {}
for i, id in ipairs(ids) do all[2 * i - 1] = int(seq + i); all[2 * i] = id end
rcall('HSET', Q.m, unpack(fields))
rcall('ZADD', Q.exp, unpack(exp))
rcall('ZADD', Q.all, unpack(all))
lowerDue(first)
keep(latest, keys, fresh)
return {created, #ids}
