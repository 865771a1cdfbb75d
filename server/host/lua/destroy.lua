-- Tell every subscriber, then delete every key of the room.
publish(A.channel, EVENT.chat_destroy, 0, ENCODE.chat_destroy({ reason = 'destroyed' }))
redis.call('DEL', K.meta, K.members, K.messages, K.dedup)
return { 'ok' }
