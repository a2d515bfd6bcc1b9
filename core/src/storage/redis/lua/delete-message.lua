--[[
  Deletes one message atomically with its claim check
  (outcome table: driver.ts MessageStore.delete). Needs no queue record: an
  absent queue has no keys left, so its messages read as absent. Deletes only
  remove, so they leave housekeeping to the other calls.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms)
  ARGV[2]  housekeeping budget (unused: deletes do not housekeep)
  ARGV[3]  message id
  ARGV[4]  claim id, "" for none

  Returns: 1 deleted, 0 nothing to delete (queue or message absent or expired).
  Status: -4 MESSAGE_CLAIMED, -5 CLAIM_GONE, -6 MESSAGE_NOT_CLAIMED.
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue
-- @include drop

local id, claimId = ARGV[3], ARGV[4]
local _, ce, cl = parseCs(rcall('HGET', Q.m, 'c:' .. id))
local holder = ''
if cl ~= '' and ce > now then holder = cl end
-- A live claim never outlives its messages, so its holder is live: the usual case ends here.
if claimId ~= '' and claimId == holder then
  dropMessages({id}, 'held')
  return 1
end
local ex = rcall('ZSCORE', Q.exp, id)
if not ex or tonumber(ex) <= now then return 0 end
if claimId ~= holder then
  if claimId == '' then return -4 end
  local cex = rcall('ZSCORE', Q.claims, claimId)
  if not cex or tonumber(cex) <= now then return -5 end
  if holder == '' then return -6 end
  return -4
end
if cl ~= '' then dropMessages({id}, 'held') else dropMessages({id}, 'waiting') end
return 1
