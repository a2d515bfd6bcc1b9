--[[
  Deletes a pool of the catalog, unless it is the last pool of its flavor.

  KEYS[1]  pool names         C:pools
  KEYS[2]  pool records       C:pool
  KEYS[3]  uri owners         C:uris
  KEYS[4]  flavor members     C:members
  KEYS[5]  flavors            C:flavors (unused)
  ARGV[1]  pool name

  Returns: 1 deleted, 0 there was none, or {-14, flavor} (POOL_IN_USE: the
  pool is its flavor's only one; kept).
  Status: -14 POOL_IN_USE (inside the table above).
]]
local rcall = redis.call
-- @include catalog

local name = ARGV[1]
local rec = readPool(name)
if not rec then return 0 end
if rec.f ~= '' and #flavorPools(rec.f) == 1 then return {-14, rec.f} end
rcall('HDEL', KEYS[2], name)
rcall('ZREM', KEYS[1], name)
if rcall('HGET', KEYS[3], rec.u) == name then rcall('HDEL', KEYS[3], rec.u) end
if rec.f ~= '' then rcall('ZREM', KEYS[4], memberOf(rec.f, name)) end
return 1
