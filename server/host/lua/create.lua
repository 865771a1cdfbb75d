if redis.call('EXISTS', K.meta) == 1 then
  return { 'exists' }
end
redis.call('HSET', K.meta, 'createdAt', A.now, 'expiresAt', A.expiresAt,
  'maxParticipants', A.maxParticipants, 'seq', 0, 'joins', 0, 'e2e', A.e2e)
redis.call('PEXPIREAT', K.meta, A.expiresAt)
return { 'ok' }
