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
-- when it becomes visible; lib/housekeep.lua). Skipping is bounded by the
-- call's budget (ARGV[2]): when a run of delayed messages uses it up before
-- anything was taken, answers nil (BEHIND: the caller calls again and goes on
-- from the frontier saved here).
local function pickClaimable(limit, limitS)
  local ids, fromFree, anyDelayed = {}, 0, false
  -- Usually neither exists: nothing released, nothing delayed.
  if rcall('EXISTS', Q.free, Q.delayed) > 0 then
    ids = rcall('ZRANGE', Q.free, '0', int(limit - 1))
    fromFree = #ids
    if fromFree >= limit then return ids, fromFree end
    anyDelayed = rcall('EXISTS', Q.delayed) == 1
  end
  local front, moved, scanned = R.front or '0', false, 0
  local cap, behind = math.max(tonumber(ARGV[2]), limit), false
  while #ids < limit do
    local want = limit - #ids
    local window = want
    if anyDelayed then window = math.max(want, 64) end
    local more = rcall('ZRANGEBYSCORE', Q.all, '(' .. front, '+inf', 'LIMIT', '0', window == limit and limitS or int(window))
    if #more == 0 then break end
    local last = #more
    if not anyDelayed and #ids == 0 then
      ids = more
    else
      local delayed = {}
      if anyDelayed then delayed = rcall('ZMSCORE', Q.delayed, unpack(more)) end
      for i, id in ipairs(more) do
        if not delayed[i] then
          ids[#ids + 1] = id
          if #ids >= limit then last = i; break end
        end
      end
    end
    front, moved = rcall('ZSCORE', Q.all, more[last]), true
    scanned = scanned + last
    if #more < window or #ids >= limit then break end
    if scanned >= cap then behind = #ids == 0; break end
  end
  if moved then
    R.front = front
    rcall('HSET', KEYS[1], 'front', front)
  end
  if behind then return nil end
  return ids, fromFree
end
