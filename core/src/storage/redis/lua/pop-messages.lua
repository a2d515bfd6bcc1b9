--[[
  Pops up to `limit` messages atomically: takes what a claim would take
  (oldest first, free, visible, live) and deletes it.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms)
  ARGV[2]  budget (items of housekeeping, and of delayed messages passed over)
  ARGV[3]  limit

  Returns: the popped messages as reply() in lib/read.lua (claim count as
  before the pop), oldest first; {} for an unknown queue.
  Status: -100 BEHIND (housekeeping, or passing a run of delayed messages,
  needs more than the budget; nothing popped, call again).
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue
-- @include drop
-- @include housekeep
-- @include read
-- @include pick

if not openQueue('front') then return {} end
if not housekeep() then return -100 end
local ids = pickClaimable(tonumber(ARGV[3]), ARGV[3])
if not ids then return -100 end
if #ids == 0 then return {} end
local popped = readMessages(ids, rcall('ZMSCORE', Q.all, unpack(ids)))
dropMessages(ids, 'free')
return popped
