--[[
  Fragment included by every queue script (scripts.ts expands "-- @include queue").

  Expects, defined by the including script before the include line:
    rcall   = redis.call
    now     = tonumber(ARGV[1]), the clock's Unix ms (never Redis TIME)
    KEYS[1] = the queue record  zq:{P/Q}:q
    KEYS[2] = the key base      zq:{P/Q}:   (carries the queue's hash tag)

  Defines R (record fields read), Q (the queue's keys: Q.<suffix> is
  KEYS[2] .. suffix, built on first use) and the packed records of Q.m
  (layout: keys.ts):
    <id>    body JSON text
    i:<id>  info  "ttl|created|expires|visibleAt|clientId"
    c:<id>  claim state "claimCount|claimExpiry|claimId" (absent until first
            claimed; expiry 0 and id "" once released)

  Cost model of Redis's Lua: every redis.call, reply element, new string
  (concatenation, capture, number formatting or parsing) and helper closure
  defined costs on the order of a thousand instructions or more, and every
  byte of a new string is hashed. So scripts batch ids into one command per
  key, take and return per-message data laid out as commands want it (no
  per-message string building), keep times as the strings they arrived as,
  and include only the fragments they use.

  Liveness is checked item by item, so a housekeeping backlog never shows an
  expired message or treats an expired claim as live:
    message live    <=> now < expires
    claim live      <=> now < claim expires (mirrored in the claim state)
    message visible <=> visibleAt <= now
  A message is in `held` iff its claim state names a claim (claim, release,
  housekeeping and drop keep the two in step). Otherwise it is in `delayed`
  until visible, and then claimable: after the record's frontier `front` (in
  `all` only; lib/pick.lua) or, at or before it, in `free`. Every message is
  in all and exp and has body and info.
]]
local SLACK = 600000
-- `due` of a queue with nothing scheduled.
local NEVER = 1e15

-- An integer as a decimal string (exact up to 2^53; ms timestamps are ~1.8e12).
local function int(n)
  return string.format('%d', n)
end

local R = {}
local Q = setmetatable({}, {__index = function(keys, suffix)
  local key = KEYS[2] .. suffix
  keys[suffix] = key
  return key
end})

-- Reads the record's gen and due, and the fields named in `...`, into R;
-- false when the queue does not exist. An absent due reads as 0 (the next
-- housekeeping pass then sets it).
local function openQueue(...)
  local f = rcall('HMGET', KEYS[1], 'gen', 'due', ...)
  if not f[1] then return false end
  R.gen, R.due = f[1], tonumber(f[2]) or 0
  for i, name in ipairs({...}) do R[name] = f[i + 2] end
  return true
end

local function parseInfo(s)
  if not s then return nil end
  local ttl, cr, ex, va, cid = string.match(s, '^(%d+)|(%d+)|(%d+)|(%d+)|(.*)$')
  if not ttl then return nil end
  return {ttl = ttl, cr = cr, ex = ex, va = va, cid = cid, exN = tonumber(ex), vaN = tonumber(va)}
end

-- Claim count, claim expiry (number) and claim id of a claim state (or none).
local function parseCs(s)
  if not s then return '0', 0, '' end
  local cc, ce, cl = string.match(s, '^(%d+)|(%d+)|(.*)$')
  return cc, tonumber(ce), cl
end
