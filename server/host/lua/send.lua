-- Next seq + store + publish in one step, so every host sees a room's messages in seq order.
-- The sender is stamped from the token's member record, never taken from the client.
-- KEYS: meta, members, messages, dedup
-- ARGV: now, tokenHash, message id, text, clientMsgId ('' when none), channel,
--       event name of chat.message, history length, roomId
local room, rec, err = room_and_member(ARGV[1], KEYS[2], ARGV[2])
if err then
  return { err }
end
local member = cjson.decode(rec)
local dedup_field
if ARGV[5] ~= '' then
  dedup_field = member.p .. ':' .. ARGV[5]
  local earlier = redis.call('HGET', KEYS[4], dedup_field)
  if earlier then
    return { 'ok', earlier, 'retry' }
  end
end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local message = cjson.encode({
  id = ARGV[3], seq = seq, roomId = ARGV[9], participantId = member.p, sender = member.n,
  text = ARGV[4], timestamp = tonumber(ARGV[1]) })
redis.call('RPUSH', KEYS[3], message)
redis.call('LTRIM', KEYS[3], -tonumber(ARGV[8]), -1)
redis.call('PEXPIREAT', KEYS[3], room.expiresAt)
if dedup_field then
  redis.call('HSET', KEYS[4], dedup_field, message)
  redis.call('PEXPIREAT', KEYS[4], room.expiresAt)
end
-- The bus form of an event: "<name> <seq> <payload>"; hosts splice the payload into frames.
redis.call('PUBLISH', ARGV[6], ARGV[7] .. ' ' .. seq .. ' ' .. message)
return { 'ok', message, 'new' }
