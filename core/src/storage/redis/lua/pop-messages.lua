--[[
  Pops up to `limit` messages atomically: takes what a claim would take
  (oldest first, free, visible, live) and deletes it.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms)
  ARGV[2]  housekeeping budget (items)
  ARGV[3]  limit

  Returns: the popped messages as reply() in lib/read.lua (claim count as
  before the pop), oldest first; {} for an unknown queue.
  Status: -100 BEHIND (housekeeping backlog exceeds the budget; nothing done, call again).
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue
-- @include drop
-- @include housekeep
-- @include read

if not openQueue() then return {} end
if not housekeep() then return -100 end
-- Caught up: `free` holds exactly the claimable messages.
local picked = rcall('ZRANGE', Q.free, '0', int(tonumber(ARGV[3]) - 1), 'WITHSCORES')
if #picked == 0 then return {} end
local ids, seqs = {}, {}
for i = 1, #picked, 2 do ids[#ids + 1] = picked[i]; seqs[#seqs + 1] = picked[i + 1] end
local popped = readMessages(ids, seqs)
dropMessages(ids, 'free')
return popped
