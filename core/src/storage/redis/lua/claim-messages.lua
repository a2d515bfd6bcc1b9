--[[
  Claims up to `limit` messages atomically: oldest first, skipping claimed,
  delayed and expired ones. Claimed messages get claimCount+1; one that would
  expire before the claim gets ttl = claim ttl + grace, expiry = now + ttl + grace.
  Once housekeeping has caught up nothing is due, so the claimable messages
  are taken as lib/pick.lua finds them.

  Bodies, infos and sequences are read last, after any TTL extension, so the
  claim costs one round trip (a hot path).

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms)
  ARGV[2]  budget (items of housekeeping, and of delayed messages passed over)
  ARGV[3]  new claim id
  ARGV[4]  claim ttl (s)
  ARGV[5]  grace (s)
  ARGV[6]  limit

  Returns: {} when nothing was claimed (no claim created; also for an unknown
  queue), else {ttl, updatedAt, expiresAt, generation, ids, counts, fields,
  seqs}: the ids oldest first and their claim counts (counts {} when every
  one is 1), fields = body and packed info of each id in turn, seqs = their
  sequences.
  Status: -100 BEHIND (housekeeping, or passing a run of delayed messages,
  needs more than the budget; nothing claimed, call again).
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue
-- @include drop
-- @include keep
-- @include housekeep
-- @include claim
-- @include pick

if not openQueue('front', 'hz') then return {} end
if not housekeep() then return -100 end

local ids, fromFree = pickClaimable(tonumber(ARGV[6]), ARGV[6])
if not ids then return -100 end
if #ids == 0 then return {} end

local claimId, ttl = ARGV[3], tonumber(ARGV[4])
local cexN = now + ttl * 1000
local cex = int(cexN)
local fields, held = {}, {}
for i, id in ipairs(ids) do
  fields[i] = 'c:' .. id
  held[2 * i - 1] = cex; held[2 * i] = id
end
-- Claim states: absent for messages never claimed (the usual case).
local states = rcall('HMGET', Q.m, unpack(fields))
local first = '1|' .. cex .. '|' .. claimId
local set, counts = {}, {}
for i, state in ipairs(states) do
  set[2 * i - 1] = fields[i]; set[2 * i] = first
  if state then
    local cc = int(tonumber((parseCs(state))) + 1)
    set[2 * i] = cc .. '|' .. cex .. '|' .. claimId
    counts[i] = cc
  end
end
if next(counts) then
  for i in ipairs(ids) do counts[i] = counts[i] or '1' end
end
local keys = {Q.held, Q.claims, Q.claim}
local fresh = rcall('EXISTS', unpack(keys)) < #keys
if fromFree > 0 then rcall('ZREM', Q.free, unpack(ids, 1, fromFree)) end
rcall('ZADD', Q.held, unpack(held))
rcall('HSET', Q.m, unpack(set))
rcall('HSET', Q.claim, claimId, ARGV[4] .. '|' .. ARGV[1] .. '|' .. cex .. '|' .. table.concat(ids, ','))
rcall('ZADD', Q.claims, cex, claimId)
local latest = outliveClaim(ids, cexN, cex, ttl, tonumber(ARGV[5]))
lowerDue(cexN)
keep(latest, keys, fresh)
local want = {}
for i, id in ipairs(ids) do want[2 * i - 1] = id; want[2 * i] = 'i:' .. id end
return {ARGV[4], ARGV[1], cex, R.gen, ids, counts, rcall('HMGET', Q.m, unpack(want)), rcall('ZMSCORE', Q.all, unpack(ids))}
