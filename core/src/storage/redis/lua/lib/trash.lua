--[[
  Fragment: bounded collection of deleted generations (see delete-queue.lua).
  Expects lib/queue.lua included before it and KEYS[3] = the trash set.
]]
-- Deletes up to `budget` keys of trashed generations; returns 1 if work remains.
local function collectTrash(budget)
  while budget > 0 do
    local gen = rcall('SRANDMEMBER', KEYS[3])
    if not gen then return 0 end
    openGen(gen)
    local ids = rcall('ZRANGE', Q.all, 0, budget - 1)
    if #ids > 0 then
      for _, id in ipairs(ids) do rcall('DEL', Q.m .. id) end
      rcall('ZREMRANGEBYRANK', Q.all, 0, #ids - 1)
      budget = budget - #ids
    else
      local claims = rcall('ZRANGE', Q.claims, 0, budget - 1)
      if #claims > 0 then
        for _, c in ipairs(claims) do rcall('DEL', Q.c .. c, Q.cm .. c) end
        rcall('ZREMRANGEBYRANK', Q.claims, 0, #claims - 1)
        budget = budget - #claims
      else
        rcall('DEL', Q.all, Q.free, Q.delayed, Q.exp, Q.held, Q.claims)
        rcall('SREM', KEYS[3], gen)
        budget = budget - 1
      end
    end
  end
  return 1
end
