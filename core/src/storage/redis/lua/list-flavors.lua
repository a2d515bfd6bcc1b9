--[[
  One page of a project's flavors, by name, each with its pools.

  KEYS[1]  pool names         C:pools (unused; every catalog script takes the same keys)
  KEYS[2]  pool records       C:pool
  KEYS[3]  uri owners         C:uris (unused)
  KEYS[4]  flavor members     C:members
  KEYS[5]  flavors            C:flavors
  ARGV[1]  the project's prefix in C:flavors ("<P>/")
  ARGV[2]  "1": start after the marker ARGV[3]; "0": from the first flavor
  ARGV[3]  marker (a flavor name)
  ARGV[4]  page size

  Returns: {flavor1, {name1, record1, ...}, flavor2, {...}, ...} (records as JSON).
]]
local rcall = redis.call
-- @include catalog

local prefix = ARGV[1]
local from = ARGV[2] == '1' and '(' .. prefix .. ARGV[3] or '[' .. prefix
local members = rcall('ZRANGEBYLEX', KEYS[5], from, '(' .. prefix .. '\255', 'LIMIT', 0, tonumber(ARGV[4]))
local out = {}
for _, member in ipairs(members) do
  local flavor = string.sub(member, #prefix + 1)
  out[#out + 1] = flavor
  out[#out + 1] = poolReplies(flavorPools(flavor))
end
return out
