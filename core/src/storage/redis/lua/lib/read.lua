--[[
  Fragment: whole messages for the driver (get, list, pop, get-claim).
  Expects lib/queue.lua included before it.
]]

-- {id, body, ttl, created, expires, visibleAt, clientId, liveClaimId, claimCount, marker}
-- (marker "<generation>-<seq>": markers of a purged or deleted incarnation
-- never alias messages of the current one).
local function reply(id, m, cs, seq, body)
  local cc, ce, cl = parseCs(cs)
  if cl ~= '' and ce <= now then cl = '' end
  return {id, body, m.ttl, m.cr, m.ex, m.va, m.cid, cl, cc, R.gen .. '-' .. seq}
end

-- The live messages among `ids` (sequences `seqs`) that `accept(m, cs)`
-- (optional) takes, in order, with at most `limit` (optional) taken; also
-- answers how many ids were looked at (all of them unless the limit was hit).
local function readMessages(ids, seqs, accept, limit)
  if #ids == 0 then return {}, 0 end
  local fields = {}
  for _, id in ipairs(ids) do fields[#fields + 1] = 'i:' .. id; fields[#fields + 1] = 'c:' .. id end
  local got = rcall('HMGET', Q.m, unpack(fields))
  local taken, parsed, examined = {}, {}, #ids
  for i in ipairs(ids) do
    local m = parseInfo(got[2 * i - 1])
    if m and seqs[i] and m.exN > now and (not accept or accept(m, got[2 * i])) then
      taken[#taken + 1] = i; parsed[#parsed + 1] = m
      if limit and #taken >= limit then examined = i; break end
    end
  end
  if #taken == 0 then return {}, examined end
  local wanted = {}
  for j, i in ipairs(taken) do wanted[j] = ids[i] end
  local bodies = rcall('HMGET', Q.m, unpack(wanted))
  local out = {}
  for j, i in ipairs(taken) do
    if bodies[j] then out[#out + 1] = reply(ids[i], parsed[j], got[2 * i], seqs[i], bodies[j]) end
  end
  return out, examined
end
