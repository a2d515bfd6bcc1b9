--[[
  Deletes a subscription. Its pending jobs stay until they come due, when
  lease-jobs.lua drops them (their subscription is gone), so this costs the
  same however many jobs it has.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  subscription id

  Returns: 1 deleted, 0 there was none.
]]
local rcall = redis.call
-- @include queue
-- @include subscription

return dropSubscriptions({ARGV[1]})
