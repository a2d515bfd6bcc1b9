--[[
  Fragment: notification jobs. Expects lib/queue.lua included before it.

  Job ids (keys.ts): "n:<subscription id>:<message id>" (notification; its
  message copy is `<message id>` body and `i:<message id>` info in Q.job,
  shared by the jobs of every subscription and counted by `r:<message id>`),
  "c:<subscription id>:<token>" and "u:<subscription id>:<token>"
  (confirmations; document in `d:<job id>`). `l:<job id>` holds
  "attempts|leaseId" once the job has been leased.
]]

-- kind ('n', 'c' or 'u'), subscription id, and message id or token.
local function parseJob(id)
  return string.match(id, '^([ncu]):([^:]+):(.+)$')
end

-- The lease id of a lease state "attempts|leaseId" ('' when none).
local function leaseOf(state)
  if not state then return nil end
  return string.match(state, '^%d+|(.*)$')
end

-- Removes jobs and their data; a message copy goes with the last job using it.
local function dropJobs(ids)
  if #ids == 0 then return end
  rcall('ZREM', Q.jobs, unpack(ids))
  local del, count, msgs = {}, {}, {}
  for _, id in ipairs(ids) do
    del[#del + 1] = 'l:' .. id
    local kind, _, ref = parseJob(id)
    if kind == 'n' then
      if not count[ref] then count[ref] = 0; msgs[#msgs + 1] = ref end
      count[ref] = count[ref] + 1
    else
      del[#del + 1] = 'd:' .. id
    end
  end
  if #msgs > 0 then
    local rf = {}
    for i, m in ipairs(msgs) do rf[i] = 'r:' .. m end
    local refs = rcall('HMGET', Q.job, unpack(rf))
    local set = {}
    for i, m in ipairs(msgs) do
      local left = (tonumber(refs[i]) or 0) - count[m]
      if left > 0 then
        set[#set + 1] = rf[i]; set[#set + 1] = int(left)
      else
        del[#del + 1] = m; del[#del + 1] = 'i:' .. m; del[#del + 1] = rf[i]
      end
    end
    if #set > 0 then rcall('HSET', Q.job, unpack(set)) end
  end
  rcall('HDEL', Q.job, unpack(del))
end

-- Records a confirmation job ('c' or 'u') due at `due` (ms, a string), carrying `document`.
local function recordDocumentJob(kind, subId, token, document, due)
  local id = kind .. ':' .. subId .. ':' .. token
  rcall('ZADD', Q.jobs, due, id)
  rcall('HSET', Q.job, 'd:' .. id, document)
end
