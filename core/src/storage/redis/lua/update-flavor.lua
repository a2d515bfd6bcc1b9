--[[
  Makes the listed pools a flavor's pools: they join it, its other pools
  leave it.

  KEYS[1]  pool names         C:pools
  KEYS[2]  pool records       C:pool
  KEYS[3]  uri owners         C:uris
  KEYS[4]  flavor members     C:members
  KEYS[5]  flavors            C:flavors
  ARGV[1]  the flavor's member of C:flavors ("<P>/<name>")
  ARGV[2]  flavor name
  ARGV[3..] pool names

  Returns: 1, or {-10, pool} (POOL_NOT_FOUND: the first listed pool that
  does not exist; nothing changed).
  Status: -11 FLAVOR_NOT_FOUND (checked first), -10 POOL_NOT_FOUND (inside the table above).
]]
local rcall = redis.call
-- @include catalog

if not rcall('ZSCORE', KEYS[5], ARGV[1]) then return -11 end
local names = {unpack(ARGV, 3)}
local missing = firstMissing(names)
if missing then return {-10, missing} end
local listed = {}
for _, pool in ipairs(names) do listed[pool] = true end
for _, pool in ipairs(flavorPools(ARGV[2])) do
  if not listed[pool] then setFlavor(pool, '') end
end
for _, pool in ipairs(names) do setFlavor(pool, ARGV[2]) end
return 1
