-- room.create. KEYS: meta  ARGV: now, expiresAt, maxParticipants
if redis.call('EXISTS', KEYS[1]) == 1 then
  return { 'exists' }
end
redis.call('HSET', KEYS[1], 'createdAt', ARGV[1], 'expiresAt', ARGV[2],
  'maxParticipants', ARGV[3], 'seq', 0, 'joins', 0)
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return { 'ok' }
