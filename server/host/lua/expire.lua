-- Ends a room whose deadline passed: tell every subscriber (once: only while a key is left),
-- then delete every key. A deadline still ahead (another clock ran early) is answered instead.
local room = live_room(A.now)
if room then
  return answer({ expiresAt = room.expiresAt })
end
if redis.call('EXISTS', K.meta) == 1 then
  publish(A.channel, EVENT.chat_destroy, 0, ENCODE.chat_destroy({ reason = 'expired' }))
end
redis.call('DEL', K.meta, K.members, K.messages, K.dedup)
return { 'ok' }
