--[[
  Pops up to `limit` messages atomically: takes what a claim would take
  (oldest first, free, visible, live) and deletes it.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms)
  ARGV[2]  housekeeping budget (items)
  ARGV[3]  limit

  Returns: the popped messages as readMessage() in lib/queue.lua (claim
  count as before the pop), oldest first; {} for an unknown queue.
  Status: -100 BEHIND (housekeeping backlog exceeds the budget; nothing done, call again).
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue

if not openQueue() then return {} end
if not housekeep(tonumber(ARGV[2])) then return -100 end
local popped = {}
for _, id in ipairs(pickFree(tonumber(ARGV[3]))) do
  popped[#popped + 1] = readMessage(id)
  dropMessage(id)
end
return popped
