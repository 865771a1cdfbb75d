-- room.join with the cap checked and the seat taken atomically.
-- KEYS: meta, members  ARGV: now, tokenHash, rejoin ('1'/'0'), participantId, name, channel
local meta = redis.call('HMGET', KEYS[1], 'expiresAt', 'maxParticipants', 'seq')
if not meta[1] or tonumber(meta[1]) <= tonumber(ARGV[1]) then
  return { 'room-not-found' }
end
local record
if ARGV[3] == '1' then
  record = redis.call('HGET', KEYS[2], ARGV[2])
  if not record then
    return { 'unauthorized' }
  end
else
  if redis.call('HLEN', KEYS[2]) >= tonumber(meta[2]) then
    return { 'room-full' }
  end
  local order = redis.call('HINCRBY', KEYS[1], 'joins', 1)
  record = cjson.encode({ p = ARGV[4], n = ARGV[5], j = order })
  redis.call('HSET', KEYS[2], ARGV[2], record)
  redis.call('PEXPIREAT', KEYS[2], meta[1])
  redis.call('PUBLISH', ARGV[6], cjson.encode({ event = 'presence.join',
    data = { participantId = ARGV[4], name = ARGV[5] } }))
end
return { 'ok', record, meta[1], meta[2], meta[3], redis.call('HVALS', KEYS[2]) }
