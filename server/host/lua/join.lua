-- Join with the cap checked and the slot taken in one atomic step. rejoin: '1' when the client
-- gave a token; mode 'check': only say what join would answer.
local room = live_room(A.now)
if not room then
  return { 'room-not-found' }
end
local rec
if A.rejoin == '1' then
  rec = member_of(K.members, A.tokenHash)
  if not rec then
    return { 'unauthorized' }
  end
else
  if redis.call('HLEN', K.members) >= tonumber(room.maxParticipants) then
    return { 'room-full' }
  end
  if A.mode == 'check' then
    return { 'ok' }
  end
  local order = redis.call('HINCRBY', K.meta, 'joins', 1)
  rec = cjson.encode({ p = A.participantId, n = A.name, j = order })
  redis.call('HSET', K.members, A.tokenHash, rec)
  redis.call('PEXPIREAT', K.members, room.expiresAt)
  publish(A.channel, EVENT.presence_join, 0,
    ENCODE.presence_join({ participantId = A.participantId, name = A.name }))
end
return answer({ record = rec, expiresAt = room.expiresAt, maxParticipants = room.maxParticipants,
  seq = room.seq, records = redis.call('HVALS', K.members) })
