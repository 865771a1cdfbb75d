-- What a member may read: the room's state and, when limit > 0, a page of history; last, the
-- caller's own member record (after the page, so the earlier positions stay put).
-- (The host joins the page itself: table.concat here cost Redis twice the CPU of the LRANGE.)
-- KEYS: meta, members, messages
-- ARGV: now, tokenHash, after, limit
local room, rec, err = room_and_member(ARGV[1], KEYS[2], ARGV[2])
if err then
  return { err }
end
local seq = tonumber(room.seq)
local stored = redis.call('LLEN', KEYS[3])
local first = seq - stored + 1
local page = {}
local limit = tonumber(ARGV[4])
if limit > 0 then
  local from = math.max(tonumber(ARGV[3]) + 1, first)
  if from <= seq then
    page = redis.call('LRANGE', KEYS[3], from - first, from - first + limit - 1)
  end
end
return { 'ok', room.expiresAt, room.maxParticipants, room.seq, redis.call('HVALS', KEYS[2]),
  tostring(first), page, rec }
