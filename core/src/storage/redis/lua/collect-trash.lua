--[[
  Collects deleted queue generations in a bounded batch.

  KEYS[1]  queue record       zq:{P/Q}:q   (not touched; the include expects it)
  KEYS[2]  key base           zq:{P/Q}:
  KEYS[3]  trash set          zq:{P/Q}:trash
  ARGV[1]  now (ms)
  ARGV[2]  collection budget (keys)

  Returns: 1 when work remains, 0 when the trash is empty.
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue
-- @include trash

return collectTrash(tonumber(ARGV[2]))
