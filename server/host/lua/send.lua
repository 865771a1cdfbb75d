-- Next seq + store + publish in one step, so every host sees a room's messages in seq order.
-- The sender is stamped from the token's member record, never taken from the client.
local member = cjson.decode(MEMBER)
local history = tonumber(A.history)
-- An end-to-end room takes only sealed letters, each bound to its clientMsgId; another room
-- only text.
local e2e = ROOM.e2e == '1'
if e2e and A.ciphertext == '' then
  return { 'e2e-ciphertext' }
elseif e2e and A.clientMsgId == '' then
  return { 'e2e-client-msg-id' }
elseif not e2e and A.ciphertext ~= '' then
  return { 'e2e-text' }
end
-- dedup holds participantId:clientMsgId -> seq for the messages still in the history, and
-- '#' .. seq -> that field to forget it when the message is trimmed ('#' starts no
-- participantId).
local dedup_field
if A.clientMsgId ~= '' then
  dedup_field = member.p .. ':' .. A.clientMsgId
  local earlier = redis.call('HGET', K.dedup, dedup_field)
  if earlier then
    local at = tonumber(earlier)
    if not at then
      return answer({ message = earlier, kind = 'retry' }) -- an earlier version kept the message
    end
    local kept = redis.call('LINDEX', K.messages, at - tonumber(ROOM.seq) - 1)
    if kept then
      return answer({ message = kept, kind = 'retry' })
    end
  end
end
local seq = redis.call('HINCRBY', K.meta, 'seq', 1)
local message = ENCODE.chat_message({
  id = A.messageId, seq = seq, roomId = A.roomId, participantId = member.p, sender = member.n,
  text = A.text, timestamp = tonumber(A.now),
  ciphertext = e2e and A.ciphertext or nil, clientMsgId = e2e and A.clientMsgId or nil })
-- Every call here is Redis time on each message: the list gets its deadline once, when this
-- push makes it (the room's deadline never moves), and is trimmed only once it is over.
local length = redis.call('RPUSH', K.messages, message)
if length == 1 then
  redis.call('PEXPIREAT', K.messages, ROOM.expiresAt)
elseif length > history then
  redis.call('LTRIM', K.messages, -history, -1)
end
if dedup_field then
  redis.call('HSET', K.dedup, dedup_field, seq, '#' .. seq, dedup_field)
  if ROOM.dedup ~= '1' then -- the first: dedup's deadline, and the room knows it has one
    redis.call('PEXPIREAT', K.dedup, ROOM.expiresAt)
    redis.call('HSET', K.meta, 'dedup', '1')
  end
end
-- One message in, at most one out: the one that LTRIM just dropped takes its record along.
if seq > history and (dedup_field or ROOM.dedup ~= '0') then
  local gone = '#' .. (seq - history)
  local gone_field = redis.call('HGET', K.dedup, gone)
  if gone_field then
    redis.call('HDEL', K.dedup, gone_field, gone)
  end
end
publish(A.channel, EVENT.chat_message, seq, message)
return answer({ message = message, kind = 'new' })
