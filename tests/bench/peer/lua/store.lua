-- Socket.IO reference only: next seq + store (the adapter publishes).
-- KEYS: meta, members, messages  ARGV: now, tokenHash, messageId, text, roomId, keep
local meta = redis.call('HMGET', KEYS[1], 'expiresAt')
if not meta[1] or tonumber(meta[1]) <= tonumber(ARGV[1]) then
  return { 'room-not-found' }
end
local record = ARGV[2] ~= '' and redis.call('HGET', KEYS[2], ARGV[2])
if not record then
  return { 'unauthorized' }
end
local who = cjson.decode(record)
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local message = cjson.encode({ id = ARGV[3], seq = seq, roomId = ARGV[5], participantId = who.p,
  sender = who.n, text = ARGV[4], timestamp = tonumber(ARGV[1]) })
redis.call('RPUSH', KEYS[3], message)
redis.call('LTRIM', KEYS[3], -tonumber(ARGV[6]), -1)
redis.call('PEXPIREAT', KEYS[3], meta[1])
return { 'ok', message }
