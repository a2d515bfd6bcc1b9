--[[
  Fragment: removing messages. Expects lib/queue.lua included before it.
]]

-- Removes messages and every reference to them (a claim's id list may keep
-- them: readers check the message's own claim state). `state` names the set
-- they are in when known: 'held', 'free' or 'waiting' (free or delayed); nil: any.
local function dropMessages(ids, state)
  if #ids == 0 then return end
  local fields = {}
  for _, id in ipairs(ids) do
    fields[#fields + 1] = id; fields[#fields + 1] = 'i:' .. id; fields[#fields + 1] = 'c:' .. id
  end
  rcall('HDEL', Q.m, unpack(fields))
  rcall('ZREM', Q.all, unpack(ids))
  rcall('ZREM', Q.exp, unpack(ids))
  if state == nil or state == 'held' then rcall('ZREM', Q.held, unpack(ids)) end
  if state ~= 'held' then rcall('ZREM', Q.free, unpack(ids)) end
  if state == nil or state == 'waiting' then rcall('ZREM', Q.delayed, unpack(ids)) end
end
