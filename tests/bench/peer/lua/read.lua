-- room.info / subscribe / messages.list: the room as a member sees it, plus a page of history.
-- KEYS: meta, members, messages  ARGV: now, tokenHash, after, limit (0 = no page)
local meta = redis.call('HMGET', KEYS[1], 'expiresAt', 'maxParticipants', 'seq')
if not meta[1] or tonumber(meta[1]) <= tonumber(ARGV[1]) then
  return { 'room-not-found' }
end
if ARGV[2] == '' or not redis.call('HGET', KEYS[2], ARGV[2]) then
  return { 'unauthorized' }
end
local last = tonumber(meta[3])
local first = last - redis.call('LLEN', KEYS[3]) + 1
local page = {}
local limit = tonumber(ARGV[4])
if limit > 0 then
  local from = math.max(tonumber(ARGV[3]) + 1, first)
  if from <= last then
    page = redis.call('LRANGE', KEYS[3], from - first, from - first + limit - 1)
  end
end
return { 'ok', meta[1], meta[2], meta[3], redis.call('HVALS', KEYS[2]), first, page }
