-- KEYS: meta, members  ARGV: now, tokenHash
local _, rec, err = room_and_member(ARGV[1], KEYS[2], ARGV[2])
if err then
  return { err }
end
redis.call('HDEL', KEYS[2], ARGV[2])
return { 'ok', rec }
