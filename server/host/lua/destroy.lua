-- Tell every subscriber, then delete every key of the room.
-- KEYS: meta, members, messages, dedup
-- ARGV: now, tokenHash, channel, chat.destroy event (bus form), mode ('destroy' or 'expire')
local room, _, err = room_and_member(ARGV[1], KEYS[2], ARGV[2])
if ARGV[5] == 'destroy' then
  if err then
    return { err }
  end
elseif room then
  return { 'alive', room.expiresAt } -- another clock ran early; not yet
end
local existed = redis.call('EXISTS', KEYS[1])
if room or existed == 1 then
  redis.call('PUBLISH', ARGV[3], ARGV[4])
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
return { 'ok' }
