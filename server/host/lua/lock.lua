-- The host locks its room (no new member; rejoins still work) or opens it again. Only a change
-- is announced.
local locked = A.locked == '1' and '1' or '0'
if ROOM.locked ~= locked then
  redis.call('HSET', K.meta, 'locked', locked)
  publish(A.channel, EVENT.room_lock, 0, ENCODE.room_lock({ locked = locked == '1' }))
end
return { 'ok' }
