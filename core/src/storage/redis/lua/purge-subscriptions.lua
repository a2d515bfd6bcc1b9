--[[
  Deletes every subscription of the queue and every pending job (each job
  belongs to one of them), keeping the queue and its messages. O(1) work
  here: the keys are unlinked (Redis frees large values in the background).

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:

  Returns: 1 purged, 0 the queue did not exist.
]]
local rcall = redis.call
-- @include queue

if rcall('EXISTS', KEYS[1]) == 0 then return 0 end
rcall('HSET', KEYS[1], 'subn', '0')
rcall('UNLINK', Q.subs, Q.sub, Q.suburi, Q.subexp, Q.jobs, Q.job)
return 1
