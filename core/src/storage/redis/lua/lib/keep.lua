--[[
  Fragment: bookkeeping of writers (post, claim, renew). Expects lib/queue.lua
  included before it and R.hz read by openQueue('hz', ...).

  Safety net. Every key of the queue but the record carries the same
  relative PEXPIRE, aimed at the record's horizon `hz` (clock ms), so a queue
  nobody touches again frees its memory. hz stays at least SLACK beyond every
  stored item's expiry: a call storing items that live until `untilMs` pushes
  it out (by 2 * SLACK, so this is rare) and re-arms every key; keys a call
  has just created (they vanish when emptied) get the remaining time at once.
  Semantics never depend on these expiries.

  `due`: a lower bound of every score in held, claims, delayed and exp, so
  nothing can be due before it (lib/housekeep.lua). Writers adding scores lower it.
]]

-- After storing items that live until `untilMs` into `keys` (`fresh`: some
-- may have been created by this call).
local function keep(untilMs, keys, fresh)
  local hz = tonumber(R.hz) or 0
  if untilMs + SLACK > hz then
    hz = untilMs + 2 * SLACK
    rcall('HSET', KEYS[1], 'hz', int(hz))
    local ms = int(hz - now)
    rcall('PEXPIRE', Q.all, ms); rcall('PEXPIRE', Q.free, ms); rcall('PEXPIRE', Q.delayed, ms)
    rcall('PEXPIRE', Q.exp, ms); rcall('PEXPIRE', Q.held, ms); rcall('PEXPIRE', Q.claims, ms)
    rcall('PEXPIRE', Q.m, ms); rcall('PEXPIRE', Q.claim, ms); rcall('PEXPIRE', Q.moved, ms)
  elseif fresh then
    local ms = int(math.max(hz - now, SLACK))
    for _, key in ipairs(keys) do rcall('PEXPIRE', key, ms) end
  end
  R.hz = hz
end

local function lowerDue(t)
  if t < R.due then
    R.due = t
    rcall('HSET', KEYS[1], 'due', int(t))
  end
end
