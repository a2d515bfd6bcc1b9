--[[
  Removes finished jobs of one queue: each whose current lease is the one
  presented; others (re-leased, retried, gone) are left alone.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  n, the number of jobs
  then 2n  job id, lease id (per job)

  Returns: how many jobs were removed.
]]
local rcall = redis.call
-- @include queue
-- @include jobs

local n = tonumber(ARGV[1])
if n == 0 then return 0 end
local fields = {}
for i = 1, n do fields[i] = 'l:' .. ARGV[2 * i] end
local states = rcall('HMGET', Q.job, unpack(fields))
local done = {}
for i = 1, n do
  local lease = leaseOf(states[i])
  if lease and lease ~= '' and lease == ARGV[2 * i + 1] then done[#done + 1] = ARGV[2 * i] end
end
dropJobs(done)
return #done
