-- messages.send: next seq, store (trimmed), publish — one atomic step.
-- KEYS: meta, members, messages, dedup
-- ARGV: now, tokenHash, messageId, text, clientMsgId ('' = none), channel ('' = do not
--       publish: the Socket.IO reference, whose adapter publishes), roomId, keep
local meta = redis.call('HMGET', KEYS[1], 'expiresAt')
if not meta[1] or tonumber(meta[1]) <= tonumber(ARGV[1]) then
  return { 'room-not-found' }
end
local record = ARGV[2] ~= '' and redis.call('HGET', KEYS[2], ARGV[2])
if not record then
  return { 'unauthorized' }
end
local who = cjson.decode(record)
local retryKey
if ARGV[5] ~= '' then
  retryKey = who.p .. ':' .. ARGV[5]
  local before = redis.call('HGET', KEYS[4], retryKey)
  if before then
    return { 'ok', before, 'retry' }
  end
end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local message = cjson.encode({ id = ARGV[3], seq = seq, roomId = ARGV[7], participantId = who.p,
  sender = who.n, text = ARGV[4], timestamp = tonumber(ARGV[1]) })
redis.call('RPUSH', KEYS[3], message)
redis.call('LTRIM', KEYS[3], -tonumber(ARGV[8]), -1)
redis.call('PEXPIREAT', KEYS[3], meta[1])
if retryKey then
  redis.call('HSET', KEYS[4], retryKey, message)
  redis.call('PEXPIREAT', KEYS[4], meta[1])
end
if ARGV[6] ~= '' then
  redis.call('PUBLISH', ARGV[6], '{"event":"chat.message","data":' .. message .. '}')
end
return { 'ok', message, 'new' }
