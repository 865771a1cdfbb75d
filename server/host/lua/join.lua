-- Join with the cap checked and the slot taken in one atomic step. rejoin: '1' when the client
-- gave a token; mode 'check': only say what join would answer.
local room = live_room(A.now)
if not room then
  return { 'room-not-found' }
end
-- An end-to-end room takes only sealed names, another room only plain ones.
if A.mode ~= 'check' then
  if room.e2e == '1' and A.sealedName == '' then
    return { 'e2e-sealed-name' }
  elseif room.e2e ~= '1' and A.sealedName ~= '' then
    return { 'e2e-plain-name' }
  end
end
local sealed = A.sealedName ~= '' and A.sealedName or nil
local rec
if A.rejoin == '1' then
  rec = member_of(K.members, A.tokenHash)
  if not rec then
    return { 'unauthorized' }
  end
else
  -- The host key of a hosted room works once: the member who joins with it is the host.
  local host = nil
  if A.hostKeyHash ~= '' then
    if redis.call('HGET', K.meta, 'hostKeyHash') ~= A.hostKeyHash then
      return { 'forbidden-host-key' }
    end
    host = 1
  elseif room.locked == '1' then
    return { 'room-locked' }
  end
  if redis.call('HLEN', K.members) >= tonumber(room.maxParticipants) then
    return { 'room-full' }
  end
  if A.mode == 'check' then
    return { 'ok' }
  end
  local order = redis.call('HINCRBY', K.meta, 'joins', 1)
  rec = cjson.encode({ p = A.participantId, n = A.name, j = order, s = sealed, h = host })
  redis.call('HSET', K.members, A.tokenHash, rec)
  redis.call('PEXPIREAT', K.members, room.expiresAt)
  if host then
    redis.call('HDEL', K.meta, 'hostKeyHash')
  end
  publish(A.channel, EVENT.presence_join, 0, ENCODE.presence_join({ participantId = A.participantId,
    name = A.name, sealedName = sealed, host = host and true or nil }))
end
return answer({ record = rec, expiresAt = room.expiresAt, maxParticipants = room.maxParticipants,
  seq = room.seq, records = redis.call('HVALS', K.members), e2e = room.e2e,
  hosted = room.hosted, locked = room.locked })
