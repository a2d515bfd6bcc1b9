--[[
  Claims up to `limit` messages atomically: oldest first, skipping claimed,
  delayed and expired ones. Claimed messages get claimCount+1; one that would
  expire before the claim gets ttl = claim ttl + grace, expiry = now + ttl + grace.
  Once housekeeping has caught up nothing is due, so the claimable messages
  are taken as lib/pick.lua finds them.

  Bodies, infos and sequences are read last, after any TTL extension, so the
  claim costs one round trip (a hot path).

  Dead-lettering (ARGV[8] not ""): a selected message whose claim count is
  already >= ARGV[8] is not claimed but taken into the transfer claim ARGV[9]
  for ARGV[10] seconds (its count unchanged) and returned apart, with its
  body and info, for the driver to move to the dead-letter queue
  (accept-messages.lua there, then finish-move.lua here). Should the driver
  die in between, the transfer claim expires and a later claim selects the
  messages again, so the move is finished then.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms)
  ARGV[2]  budget (items of housekeeping, and of delayed messages passed over)
  ARGV[3]  new claim id
  ARGV[4]  claim ttl (s)
  ARGV[5]  grace (s)
  ARGV[6]  limit
  ARGV[7]  ifVersion: the queue version the caller read the metadata at
           ("" = believed absent); "*" skips the check
  ARGV[8]  max claim count ("" = no dead-lettering)
  ARGV[9]  transfer claim id (read when ARGV[8] is set)
  ARGV[10] transfer lease (s)

  Returns: {} when nothing was selected (no claim created; also for an
  unknown queue), else {ttl, updatedAt, expiresAt, generation, ids, counts,
  fields, seqs, moving, movingFields}: the claimed ids oldest first (possibly
  none, when every selected message is moving) and their claim counts
  (counts {} when every one is 1), fields = body and packed info of each id
  in turn, seqs = their sequences; moving = the ids taken into the transfer
  claim, movingFields = their bodies and infos likewise.
  Status: -7 QUEUE_VERSION_MISMATCH (nothing claimed); -100 BEHIND
  (housekeeping, or passing a run of delayed messages, needs more than the
  budget; nothing claimed, call again).
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue
-- @include drop
-- @include keep
-- @include housekeep
-- @include claim
-- @include pick

local exists = openQueue('front', 'hz', 'ver')
if ARGV[7] ~= '*' and (exists and R.ver or '') ~= ARGV[7] then return -7 end
if not exists then return {} end
if not housekeep() then return -100 end

local picked, fromFree = pickClaimable(tonumber(ARGV[6]), ARGV[6])
if not picked then return -100 end
if #picked == 0 then return {} end

-- Claim states: absent for messages never claimed (the usual case).
local pickedFields = {}
for i, id in ipairs(picked) do pickedFields[i] = 'c:' .. id end
local states = rcall('HMGET', Q.m, unpack(pickedFields))
local maxCount = tonumber(ARGV[8])
local ids, moving, idStates, movingStates = {}, {}, {}, {}
for i, id in ipairs(picked) do
  if maxCount and tonumber((parseCs(states[i]))) >= maxCount then
    moving[#moving + 1] = id; movingStates[#moving] = states[i]
  else
    ids[#ids + 1] = id; idStates[#ids] = states[i] or false
  end
end

local keys = {Q.held, Q.claims, Q.claim}
local fresh = rcall('EXISTS', unpack(keys)) < #keys
if fromFree > 0 then rcall('ZREM', Q.free, unpack(picked, 1, fromFree)) end
local latest = 0

-- Takes `list` into claim `claimId` until `cexN` (ttl `ttlS` seconds);
-- `count(i)` is the claim count to store for list[i].
local function hold(list, claimId, ttlS, cexN, count)
  local cex = int(cexN)
  local held, set = {}, {}
  for i, id in ipairs(list) do
    held[2 * i - 1] = cex; held[2 * i] = id
    set[2 * i - 1] = 'c:' .. id; set[2 * i] = count(i) .. '|' .. cex .. '|' .. claimId
  end
  rcall('ZADD', Q.held, unpack(held))
  rcall('HSET', Q.m, unpack(set))
  rcall('HSET', Q.claim, claimId, ttlS .. '|' .. ARGV[1] .. '|' .. cex .. '|' .. table.concat(list, ','))
  rcall('ZADD', Q.claims, cex, claimId)
  lowerDue(cexN)
  return cex
end

local function readBack(list)
  if #list == 0 then return {} end
  local want = {}
  for i, id in ipairs(list) do want[2 * i - 1] = id; want[2 * i] = 'i:' .. id end
  return rcall('HMGET', Q.m, unpack(want))
end

local ttl = tonumber(ARGV[4])
local cexN = now + ttl * 1000
local cex = int(cexN)
local counts = {}
if #ids > 0 then
  local anyCounted = false
  for i = 1, #ids do
    if idStates[i] then
      counts[i] = int(tonumber((parseCs(idStates[i]))) + 1)
      anyCounted = true
    end
  end
  hold(ids, ARGV[3], ARGV[4], cexN, function(i) return counts[i] or '1' end)
  if anyCounted then
    for i = 1, #ids do counts[i] = counts[i] or '1' end
  else
    counts = {}
  end
  latest = outliveClaim(ids, cexN, cex, ttl, tonumber(ARGV[5]))
end
if #moving > 0 then
  local xexN = now + tonumber(ARGV[10]) * 1000
  hold(moving, ARGV[9], ARGV[10], xexN, function(i) return (parseCs(movingStates[i])) end)
  latest = math.max(latest, xexN)
end
keep(latest, keys, fresh)
local seqs = {}
if #ids > 0 then seqs = rcall('ZMSCORE', Q.all, unpack(ids)) end
return {ARGV[4], ARGV[1], cex, R.gen, ids, counts, readBack(ids), seqs, moving, readBack(moving)}
