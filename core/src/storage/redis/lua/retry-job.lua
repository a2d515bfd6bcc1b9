--[[
  Makes a leased job due again at ARGV[4] with the given attempt count,
  ending its lease; ignored when the lease presented is not the job's current one.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  job id
  ARGV[2]  lease id
  ARGV[3]  attempts
  ARGV[4]  due (ms)

  Returns: 1 rescheduled, 0 ignored.
]]
local rcall = redis.call
-- @include queue
-- @include jobs

local field = 'l:' .. ARGV[1]
local lease = leaseOf(rcall('HGET', Q.job, field))
if not lease or lease == '' or lease ~= ARGV[2] then return 0 end
rcall('ZADD', Q.jobs, 'XX', ARGV[4], ARGV[1])
rcall('HSET', Q.job, field, ARGV[3] .. '|')
return 1
