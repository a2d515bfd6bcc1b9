--[[
  Sets the confirmed flag of a live subscription; optionally records an
  unsubscribe-confirmation job carrying a document, due now.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms)
  ARGV[2]  subscription id
  ARGV[3]  "1" confirmed, "0" not
  ARGV[4]  "1": record an unsubscribe-confirmation job; "0": none
  ARGV[5]  its document
  ARGV[6]  its token (job id "u:<subscription id>:<token>")

  Returns: 1.
  Status: -8 SUBSCRIPTION_NOT_FOUND.
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue
-- @include subscription
-- @include jobs

local rec = rcall('HGET', Q.sub, ARGV[2])
if not liveSub(rec) then return -8 end
local ex, rest = string.match(rec, '^(%d+)|[01](.*)$')
rcall('HSET', Q.sub, ARGV[2], ex .. '|' .. ARGV[3] .. rest)
if ARGV[4] == '1' then recordDocumentJob('u', ARGV[2], ARGV[6], ARGV[5], ARGV[1]) end
return 1
