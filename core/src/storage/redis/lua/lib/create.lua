--[[
  Fragment: the record of a queue created on the fly (post, accept-messages
  and create-subscription create an absent queue; create-queue.lua writes the
  same fields with the caller's metadata). Expects lib/queue.lua included
  before it; reads ARGV[1] (now, as a string) for `created`.
]]

-- Writes a new queue's record with empty metadata and the given version and
-- generation tokens: no message yet, nothing scheduled (due NEVER), no key
-- armed (hz 0). R follows the record.
local function createRecord(ver, gen)
  rcall('HSET', KEYS[1], 'meta', '{}', 'ver', ver, 'gen', gen, 'seq', '0', 'front', '0', 'created', ARGV[1], 'due', int(NEVER), 'hz', '0')
  R.due, R.hz = NEVER, '0'
end
