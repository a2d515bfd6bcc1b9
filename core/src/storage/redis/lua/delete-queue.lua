--[[
  Deletes a queue: drops its record and unlinks every other key of it (a
  fixed set, so this is O(1) work here; Redis frees large values in the
  background), subscriptions and pending jobs included. Absent queue:
  nothing to do.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:

  Returns: 1 deleted, 0 the queue did not exist.
]]
local rcall = redis.call
-- @include queue

if rcall('EXISTS', KEYS[1]) == 0 then return 0 end
rcall('DEL', KEYS[1])
rcall('UNLINK', Q.all, Q.free, Q.delayed, Q.exp, Q.held, Q.claims, Q.m, Q.claim, Q.moved)
rcall('UNLINK', Q.subs, Q.sub, Q.suburi, Q.subexp, Q.jobs, Q.job)
return 1
