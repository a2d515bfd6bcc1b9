--[[
  Fragment: picking claimable messages (claim, pop). Expects lib/queue.lua
  included before it, openQueue('front', ...) to have succeeded and
  housekeeping to have caught up, so nothing is due: no expired message, no
  message of an expired claim, no delayed message that should be visible.

  Claimable messages are `free` (messages at or before the record's frontier
  `front` that became claimable again) followed by the messages after the
  frontier in `all` that are not in `delayed`. Every message in `free` is
  older than every one after the frontier, so taking `free` first keeps the
  oldest-first order without merging, and a post never writes `free`.
]]

-- Up to `limit` (number; `limitS` the same as a string) claimable ids,
-- oldest first, and how many of them came from `free`. Moves the frontier
-- past every message taken or skipped (a delayed one skipped goes to `free`
-- when it becomes visible; lib/housekeep.lua).
local function pickClaimable(limit, limitS)
  local ids, fromFree, anyDelayed = {}, 0, false
  -- Usually neither exists: nothing released, nothing delayed.
  if rcall('EXISTS', Q.free, Q.delayed) > 0 then
    ids = rcall('ZRANGE', Q.free, '0', int(limit - 1))
    fromFree = #ids
    if fromFree >= limit then return ids, fromFree end
    anyDelayed = rcall('EXISTS', Q.delayed) == 1
  end
  local front, moved = R.front or '0', false
  -- Bounded: a long run of delayed messages is passed over in later calls.
  for _ = 1, 50 do
    local want = limit - #ids
    local more = rcall('ZRANGEBYSCORE', Q.all, '(' .. front, '+inf', 'LIMIT', '0', want == limit and limitS or int(want))
    if #more == 0 then break end
    front, moved = rcall('ZSCORE', Q.all, more[#more]), true
    if #ids == 0 and not anyDelayed then
      ids = more
    else
      local delayed = {}
      if anyDelayed then delayed = rcall('ZMSCORE', Q.delayed, unpack(more)) end
      for i, id in ipairs(more) do
        if not delayed[i] then ids[#ids + 1] = id end
      end
    end
    if #ids >= limit or #more < want then break end
  end
  if moved then
    R.front = front
    rcall('HSET', KEYS[1], 'front', front)
  end
  return ids, fromFree
end
