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
local history = tonumber(ARGV[8])
-- dedup holds participantId:clientMsgId -> seq for the messages still in the history, and
-- '#' .. seq -> that field to forget it when the message is trimmed ('#' starts no
-- participantId).
local dedup_field
if ARGV[5] ~= '' then
  dedup_field = member.p .. ':' .. ARGV[5]
  local earlier = redis.call('HGET', KEYS[4], dedup_field)
  if earlier then
    local at = tonumber(earlier)
    if not at then
      return { 'ok', earlier, 'retry' } -- written by an earlier version: the message itself
    end
    local kept = redis.call('LINDEX', KEYS[3], at - tonumber(room.seq) - 1)
    if kept then
      return { 'ok', kept, 'retry' }
    end
  end
end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local message = cjson.encode({
  id = ARGV[3], seq = seq, roomId = ARGV[9], participantId = member.p, sender = member.n,
  text = ARGV[4], timestamp = tonumber(ARGV[1]) })
redis.call('RPUSH', KEYS[3], message)
redis.call('LTRIM', KEYS[3], -history, -1)
redis.call('PEXPIREAT', KEYS[3], room.expiresAt)
if dedup_field then
  redis.call('HSET', KEYS[4], dedup_field, seq, '#' .. seq, dedup_field)
  redis.call('PEXPIREAT', KEYS[4], room.expiresAt)
end
-- One message in, at most one out: the one that LTRIM just dropped takes its record along.
if seq > history then
  local gone = '#' .. (seq - history)
  local gone_field = redis.call('HGET', KEYS[4], gone)
  if gone_field then
    redis.call('HDEL', KEYS[4], gone_field, gone)
  end
end
-- The bus form of an event: "<name> <seq> <payload>"; hosts splice the payload into frames.
redis.call('PUBLISH', ARGV[6], ARGV[7] .. ' ' .. seq .. ' ' .. message)
return { 'ok', message, 'new' }
