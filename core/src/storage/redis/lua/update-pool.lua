--[[
  Changes the given fields of a pool and answers its record.

  KEYS[1]  pool names         C:pools
  KEYS[2]  pool records       C:pool
  KEYS[3]  uri owners         C:uris
  KEYS[4]  flavor members     C:members
  KEYS[5]  flavors            C:flavors (unused)
  ARGV[1]  pool name
  ARGV[2]  "1": set the uri to ARGV[3] and the capabilities to ARGV[4]; "0": keep them
  ARGV[3]  new uri
  ARGV[4]  new capabilities (comma-separated, canonical order)
  ARGV[5]  new weight (decimal), "" to keep it
  ARGV[6]  "1": set the flavor to ARGV[7] ("" for none); "0": keep it
  ARGV[7]  new flavor
  ARGV[8]  "1": set the options to ARGV[9]; "0": keep them
  ARGV[9]  new options (JSON object text)

  Returns: the pool's record (JSON) after the change.
  Status: -10 POOL_NOT_FOUND, -13 POOL_CAPABILITIES_MISMATCH, -12 POOL_URI_IN_USE
  (checked in that order; nothing changed).
]]
local rcall = redis.call
-- @include catalog

local name = ARGV[1]
local old = readPool(name)
if not old then return -10 end
local rec = {u = old.u, w = old.w, f = old.f, o = old.o, c = old.c}
if ARGV[2] == '1' then rec.u, rec.c = ARGV[3], ARGV[4] end
if ARGV[5] ~= '' then rec.w = ARGV[5] end
if ARGV[6] == '1' then rec.f = ARGV[7] end
if ARGV[8] == '1' then rec.o = ARGV[9] end
if (ARGV[2] == '1' or (ARGV[6] == '1' and ARGV[7] ~= '')) and capabilitiesDiffer(name, rec.f, rec.c) then return -13 end
if uriTaken(name, rec.u) then return -12 end
writePool(name, rec, old)
return rcall('HGET', KEYS[2], name)
