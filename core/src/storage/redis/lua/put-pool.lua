--[[
  Creates a pool of the catalog, or replaces every field of an existing one.

  KEYS[1]  pool names         C:pools
  KEYS[2]  pool records       C:pool
  KEYS[3]  uri owners         C:uris
  KEYS[4]  flavor members     C:members
  KEYS[5]  flavors            C:flavors (unused; every catalog script takes the same keys)
  ARGV[1]  pool name
  ARGV[2]  uri
  ARGV[3]  weight (decimal)
  ARGV[4]  flavor, "" for none
  ARGV[5]  options (JSON object text)
  ARGV[6]  capabilities (comma-separated, canonical order)

  Returns: 1.
  Status: -13 POOL_CAPABILITIES_MISMATCH, -12 POOL_URI_IN_USE (checked in that order; nothing changed).
]]
local rcall = redis.call
-- @include catalog

local name = ARGV[1]
if capabilitiesDiffer(name, ARGV[4], ARGV[6]) then return -13 end
if uriTaken(name, ARGV[2]) then return -12 end
writePool(name, {u = ARGV[2], w = ARGV[3], f = ARGV[4], o = ARGV[5], c = ARGV[6]}, readPool(name))
return 1
