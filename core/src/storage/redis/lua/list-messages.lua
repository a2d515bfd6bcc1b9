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

  Returns: {messages, cursor, done}; messages as readMessage() in lib/queue.lua,
  cursor = marker of the last examined message (pass it as ARGV[3] to go on),
  done = 1 when the scan reached the newest message. An unknown queue gives {{}, "", 1}.
]]
local rcall = redis.call
local now = tonumber(ARGV[1])
-- @include queue

if not openQueue() then return {{}, '', 1} end
housekeep(tonumber(ARGV[2]))

local after = 0
local mgen, mseq = string.match(ARGV[3], '^(%x+)%-(%d+)$')
if mgen == Q.gen and #mseq <= 15 and tonumber(mseq) <= tonumber(rcall('HGET', KEYS[1], 'seq')) then
  after = tonumber(mseq)
end

local limit, scanMax = tonumber(ARGV[4]), tonumber(ARGV[9])
local echo, client = ARGV[5] == '1', ARGV[6]
local withClaimed, withDelayed = ARGV[7] == '1', ARGV[8] == '1'
local page, cursor = {}, markerOf(after)
local ids = rcall('ZRANGEBYSCORE', Q.all, '(' .. after, '+inf', 'WITHSCORES', 'LIMIT', 0, scanMax)
local examined = 0
for i = 1, #ids, 2 do
  local msg = readMessage(ids[i])
  examined = examined + 1
  cursor = markerOf(ids[i + 1])
  if msg and (echo or msg[7] ~= client) and (withClaimed or msg[8] == '')
      and (withDelayed or tonumber(msg[6]) <= now) then
    page[#page + 1] = msg
    if #page >= limit then break end
  end
end
local done = 0
if #page < limit and examined < scanMax then done = 1 end
return {page, cursor, done}
