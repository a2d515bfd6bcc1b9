--[[
  Fragment: claim records and claim times (claim, renew, release, get-claim).
  Expects lib/queue.lua included before it.
]]

-- A claim's record in Q.claim: "ttl|updated|expires|id,id,..." (the ids it
-- took, in enqueue order; one it lost since is skipped by checking the
-- message's own claim state).
local function parseClaim(s)
  if not s then return nil end
  local ttl, up, ex, list = string.match(s, '^(%d+)|(%d+)|(%d+)|(.*)$')
  if not ttl then return nil end
  local ids = {}
  for id in string.gmatch(list, '[^,]+') do ids[#ids + 1] = id end
  return {ttl = ttl, up = up, ex = ex, exN = tonumber(ex), ids = ids}
end

-- A claim must not outlive its messages: each of `ids` that would expire
-- before the claim (expiry cex: number, cexS: its string) lives on until cex + grace with
-- ttl = claim ttl + grace. One ZCOUNT answers the usual case (nothing
-- expires that soon); only otherwise are the messages looked at. Answers the
-- latest expiry of the claim and the messages it extended.
local function outliveClaim(ids, cex, cexS, ttl, grace)
  if rcall('ZCOUNT', Q.exp, '-inf', '(' .. cexS) == 0 then return cex end
  local exps = rcall('ZMSCORE', Q.exp, unpack(ids))
  local short = {}
  for i, id in ipairs(ids) do
    if exps[i] and tonumber(exps[i]) < cex then short[#short + 1] = 'i:' .. id end
  end
  if #short == 0 then return cex end
  local longEx, longTtl = int(cex + grace * 1000), int(ttl + grace)
  local infos = rcall('HMGET', Q.m, unpack(short))
  local set, exp = {}, {}
  for i, field in ipairs(short) do
    local m = parseInfo(infos[i])
    if m then
      set[#set + 1] = field; set[#set + 1] = longTtl .. '|' .. m.cr .. '|' .. longEx .. '|' .. m.va .. '|' .. m.cid
      exp[#exp + 1] = longEx; exp[#exp + 1] = string.sub(field, 3)
    end
  end
  if #set == 0 then return cex end
  rcall('HSET', Q.m, unpack(set))
  rcall('ZADD', Q.exp, unpack(exp))
  return cex + grace * 1000
end
