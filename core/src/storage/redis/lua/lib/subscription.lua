--[[
  Fragment: subscription records. Expects lib/queue.lua included before it.

  Packed subscription (keys.ts):
    "expires|confirmed|ttl|created|<subscriber byte length>|<subscriber><options>"
]]

-- expires, confirmed ('1'/'0'), ttl, created (all strings, as stored), subscriber, options; nil when not a record.
local function parseSub(rec)
  if not rec then return nil end
  local ex, cf, ttl, cr, len, rest = string.match(rec, '^(%d+)|([01])|(%d+)|(%d+)|(%d+)|(.*)$')
  if not ex then return nil end
  len = tonumber(len)
  return ex, cf, ttl, cr, string.sub(rest, 1, len), string.sub(rest, len + 1)
end

local function packSub(ex, cf, ttl, cr, subscriber, options)
  return ex .. '|' .. cf .. '|' .. ttl .. '|' .. cr .. '|' .. #subscriber .. '|' .. subscriber .. options
end

-- Whether `rec` is a subscription live at now.
local function liveSub(rec)
  return rec ~= false and rec ~= nil and tonumber(string.match(rec, '^(%d+)')) > now
end

-- Removes subscriptions (their jobs are dropped when they come due:
-- lease-jobs.lua). Returns how many existed.
local function dropSubscriptions(ids)
  if #ids == 0 then return 0 end
  local recs = rcall('HMGET', Q.sub, unpack(ids))
  local gone, uris = {}, {}
  for i, id in ipairs(ids) do
    local ex, cf, ttl, cr, subscriber = parseSub(recs[i])
    if ex then gone[#gone + 1] = id; uris[#uris + 1] = subscriber end
  end
  if #gone == 0 then return 0 end
  rcall('HDEL', Q.sub, unpack(gone))
  rcall('ZREM', Q.subs, unpack(gone))
  rcall('ZREM', Q.subexp, unpack(gone))
  -- A subscriber maps to the one subscription holding it, if any.
  local owners = rcall('HMGET', Q.suburi, unpack(uris))
  local free = {}
  for i, uri in ipairs(uris) do
    if owners[i] == gone[i] then free[#free + 1] = uri end
  end
  if #free > 0 then rcall('HDEL', Q.suburi, unpack(free)) end
  rcall('HINCRBY', KEYS[1], 'subn', -#gone)
  return #gone
end
