--[[
  Fragment: the catalog's records and indexes (keys.ts, "The catalog"). Every
  catalog script takes the same KEYS: [1] C:pools, [2] C:pool, [3] C:uris,
  [4] C:members, [5] C:flavors. A pool record is a JSON object of strings
  {u, w, f, o, c}; f is '' for a pool in no flavor.
]]

-- A pool's entry in C:members while it is in `flavor`.
local function memberOf(flavor, name)
  return #flavor .. ':' .. flavor .. name
end

-- Names of the pools in `flavor`, byte order (UTF-8 never holds byte 255).
local function flavorPools(flavor)
  local prefix = #flavor .. ':' .. flavor
  local names = rcall('ZRANGEBYLEX', KEYS[4], '[' .. prefix, '(' .. prefix .. '\255')
  for i = 1, #names do names[i] = string.sub(names[i], #prefix + 1) end
  return names
end

-- The record of a pool (a table), or nil.
local function readPool(name)
  local raw = rcall('HGET', KEYS[2], name)
  if not raw then return nil end
  return cjson.decode(raw)
end

-- Stores a pool's record and keeps C:pools, C:uris and C:members in step
-- with the record it replaces (`old`, nil for a new pool).
local function writePool(name, rec, old)
  if old then
    if old.u ~= rec.u then rcall('HDEL', KEYS[3], old.u) end
    if old.f ~= '' and old.f ~= rec.f then rcall('ZREM', KEYS[4], memberOf(old.f, name)) end
  end
  rcall('HSET', KEYS[2], name, cjson.encode(rec))
  rcall('HSET', KEYS[3], rec.u, name)
  rcall('ZADD', KEYS[1], 0, name)
  if rec.f ~= '' then rcall('ZADD', KEYS[4], 0, memberOf(rec.f, name)) end
end

-- Moves an existing pool into `flavor` ('' = out of any).
local function setFlavor(name, flavor)
  local rec = readPool(name)
  if rec and rec.f ~= flavor then
    local old = {u = rec.u, f = rec.f}
    rec.f = flavor
    writePool(name, rec, old)
  end
end

-- True when a pool of `flavor` other than `name` offers other capabilities than `caps`.
local function capabilitiesDiffer(name, flavor, caps)
  if flavor == '' then return false end
  for _, other in ipairs(flavorPools(flavor)) do
    if other ~= name then
      local rec = readPool(other)
      if rec and rec.c ~= caps then return true end
    end
  end
  return false
end

-- True when a pool other than `name` has `uri`.
local function uriTaken(name, uri)
  local owner = rcall('HGET', KEYS[3], uri)
  return owner ~= false and owner ~= name
end

-- The first of `names` that is not a pool, or nil.
local function firstMissing(names)
  for _, name in ipairs(names) do
    if rcall('HEXISTS', KEYS[2], name) == 0 then return name end
  end
  return nil
end

-- {name1, record1, name2, record2, ...} for the named pools (raw JSON records).
local function poolReplies(names)
  local out = {}
  if #names == 0 then return out end
  local recs = rcall('HMGET', KEYS[2], unpack(names))
  for i, name in ipairs(names) do
    if recs[i] then
      out[#out + 1] = name
      out[#out + 1] = recs[i]
    end
  end
  return out
end
