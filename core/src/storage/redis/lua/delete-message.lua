--[[
  Deletes one message atomically with its claim check
  (outcome table: driver.ts MessageStore.delete).

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms)
  ARGV[2]  housekeeping budget (items)
  ARGV[3]  message id
  ARGV[4]  claim id, "" for none

  Returns: 1 deleted, 0 nothing to delete (queue or message absent or expired).
  Status: -4 MESSAGE_CLAIMED, -5 CLAIM_GONE, -6 MESSAGE_NOT_CLAIMED.
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue

if not openQueue() then return 0 end
housekeep(tonumber(ARGV[2]))
local id, claimId = ARGV[3], ARGV[4]
local msg = readMessage(id)
if not msg then return 0 end
local holder = msg[8]
if claimId == '' then
  if holder ~= '' then return -4 end
else
  local cex = rcall('HGET', Q.c .. claimId, 'ex')
  if not cex or tonumber(cex) <= now then return -5 end
  if holder == '' then return -6 end
  if holder ~= claimId then return -4 end
end
dropMessage(id)
return 1
