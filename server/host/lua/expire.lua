-- Ends a room whose deadline passed: tell every subscriber, then delete every key. Redis may
-- have expired the keys already (so whether the room was there cannot be told): every host
-- whose subscribers wait publishes, and each host's hub delivers a room's end once. A
-- deadline still ahead (another clock ran early) is answered instead.
local room = live_room(A.now)
if room then
  return answer({ expiresAt = room.expiresAt })
end
publish(A.channel, EVENT.chat_destroy, 0, ENCODE.chat_destroy({ reason = 'expired' }))
redis.call('DEL', K.meta, K.members, K.messages, K.dedup)
return { 'ok' }
