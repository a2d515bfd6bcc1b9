--[[
  Takes every pool out of a flavor (whichever project's it is) and deletes
  the project's flavor.

  KEYS[1]  pool names         C:pools
  KEYS[2]  pool records       C:pool
  KEYS[3]  uri owners         C:uris
  KEYS[4]  flavor members     C:members
  KEYS[5]  flavors            C:flavors
  ARGV[1]  the flavor's member of C:flavors ("<P>/<name>")
  ARGV[2]  flavor name

  Returns: 1.
]]
local rcall = redis.call
-- @include catalog

for _, pool in ipairs(flavorPools(ARGV[2])) do setFlavor(pool, '') end
rcall('ZREM', KEYS[5], ARGV[1])
return 1
