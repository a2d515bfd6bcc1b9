--[[
  One page of live messages after a sequence, oldest first, filtered.
  Scans at most ARGV[9] stored ids, so a page may be short; the driver calls
  again from the returned cursor while a page is empty and the end is not reached.

  KEYS[1]  queue record       zq:{P/Q}:q
  KEYS[2]  key base           zq:{P/Q}:
  ARGV[1]  now (ms)
  ARGV[2]  housekeeping budget (items)
  ARGV[3]  marker to list after ("" = from the oldest; a marker of another
           generation or beyond the last sequence also lists from the oldest)
  ARGV[4]  limit
  ARGV[5]  echo: "1" includes messages whose client id equals ARGV[6]
  ARGV[6]  the caller's client id
  ARGV[7]  "1" to include claimed messages
  ARGV[8]  "1" to include delayed messages
  ARGV[9]  most ids to examine

  Returns: {messages, cursor, done}; messages as reply() in lib/read.lua,
  cursor = marker of the last examined message (pass it as ARGV[3] to go on),
  done = 1 when the scan reached the newest message. An unknown queue gives {{}, "", 1}.
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue
-- @include drop
-- @include housekeep
-- @include read

if not openQueue() then return {{}, '', 1} end
housekeep()

local after = 0
local mgen, mseq = string.match(ARGV[3], '^(%x+)%-(%d+)$')
if mgen == R.gen and #mseq <= 15 and tonumber(mseq) <= tonumber(rcall('HGET', KEYS[1], 'seq')) then
  after = tonumber(mseq)
end

local limit, scanMax = tonumber(ARGV[4]), tonumber(ARGV[9])
local echo, client = ARGV[5] == '1', ARGV[6]
local withClaimed, withDelayed = ARGV[7] == '1', ARGV[8] == '1'
local scored = rcall('ZRANGEBYSCORE', Q.all, '(' .. after, '+inf', 'WITHSCORES', 'LIMIT', '0', ARGV[9])
local ids, seqs = {}, {}
for i = 1, #scored, 2 do ids[#ids + 1] = scored[i]; seqs[#seqs + 1] = scored[i + 1] end
local page, examined = readMessages(ids, seqs, function(m, cs)
  if not (echo or m.cid ~= client) or not (withDelayed or m.vaN <= now) then return false end
  local _, ce, cl = parseCs(cs)
  return withClaimed or cl == '' or ce <= now
end, limit)
local cursor = R.gen .. '-' .. (seqs[examined] or after)
local done = 0
if examined == #ids and #ids < scanMax then done = 1 end
return {page, cursor, done}
