--[[
  Creates a project's flavor when absent and puts the listed pools in it
  (pools of the flavor not listed stay in it).

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
  Status: -10 POOL_NOT_FOUND (inside the table above).
]]
local rcall = redis.call
-- @include catalog

local names = {unpack(ARGV, 3)}
local missing = firstMissing(names)
if missing then return {-10, missing} end
rcall('ZADD', KEYS[5], 0, ARGV[1])
for _, pool in ipairs(names) do setFlavor(pool, ARGV[2]) end
return 1
