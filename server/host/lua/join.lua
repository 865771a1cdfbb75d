-- Join with the cap checked and the slot taken in one atomic step.
-- KEYS: meta, members
-- ARGV: now, tokenHash, rejoin ('1' when the client gave a token), participantId, name,
--       channel, event name of presence.join, mode ('check': only say what join would answer)
local room = live_room(ARGV[1])
if not room then
  return { 'room-not-found' }
end
local rec
if ARGV[3] == '1' then
  rec = member_of(KEYS[2], ARGV[2])
  if not rec then
    return { 'unauthorized' }
  end
else
  if redis.call('HLEN', KEYS[2]) >= tonumber(room.maxParticipants) then
    return { 'room-full' }
  end
  if ARGV[8] == 'check' then
    return { 'ok' }
  end
  local order = redis.call('HINCRBY', KEYS[1], 'joins', 1)
  rec = cjson.encode({ p = ARGV[4], n = ARGV[5], j = order })
  redis.call('HSET', KEYS[2], ARGV[2], rec)
  redis.call('PEXPIREAT', KEYS[2], room.expiresAt)
  redis.call('PUBLISH', ARGV[6],
    ARGV[7] .. ' 0 ' .. cjson.encode({ participantId = ARGV[4], name = ARGV[5] }))
end
return { 'ok', rec, room.expiresAt, room.maxParticipants, room.seq, redis.call('HVALS', KEYS[2]) }
