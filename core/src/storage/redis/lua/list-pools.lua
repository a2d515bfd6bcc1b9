--[[
  One page of the catalog's pools, by name.

  KEYS[1]  pool names         C:pools
  KEYS[2]  pool records       C:pool
  KEYS[3]  uri owners         C:uris (unused; every catalog script takes the same keys)
  KEYS[4]  flavor members     C:members (unused)
  KEYS[5]  flavors            C:flavors (unused)
  ARGV[1]  "1": start after the marker ARGV[2]; "0": from the first pool
  ARGV[2]  marker (a pool name)
  ARGV[3]  page size

  Returns: {name1, record1, name2, record2, ...} (records as JSON).
]]
local rcall = redis.call
-- @include catalog

local from = ARGV[1] == '1' and '(' .. ARGV[2] or '-'
return poolReplies(rcall('ZRANGEBYLEX', KEYS[1], from, '+', 'LIMIT', 0, tonumber(ARGV[3])))
