--[[
  A project's flavor with its pools.

  KEYS[1]  pool names         C:pools (unused; every catalog script takes the same keys)
  KEYS[2]  pool records       C:pool
  KEYS[3]  uri owners         C:uris (unused)
  KEYS[4]  flavor members     C:members
  KEYS[5]  flavors            C:flavors
  ARGV[1]  the flavor's member of C:flavors ("<P>/<name>")
  ARGV[2]  flavor name

  Returns: {name1, record1, ...} of its pools by name (records as JSON).
  Status: -11 FLAVOR_NOT_FOUND.
]]
local rcall = redis.call
-- @include catalog

if not rcall('ZSCORE', KEYS[5], ARGV[1]) then return -11 end
return poolReplies(flavorPools(ARGV[2]))
