-- KEYS: meta, members  ARGV: now, tokenHash
local room = live_room(ARGV[1])
if not room then
  return { 'room-not-found' }
end
local rec = member_of(KEYS[2], ARGV[2])
if not rec then
  return { 'unauthorized' }
end
redis.call('HDEL', KEYS[2], ARGV[2])
return { 'ok', rec }
