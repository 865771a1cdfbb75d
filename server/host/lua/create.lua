if redis.call('EXISTS', K.meta) == 1 then
  return { 'exists' }
end
redis.call('HSET', K.meta, 'createdAt', A.now, 'expiresAt', A.expiresAt,
  'maxParticipants', A.maxParticipants, 'seq', 0, 'joins', 0, 'e2e', A.e2e,
  'dedup', '0')
-- A hosted room keeps its host key's hash until the host joins with the key.
if A.hostKeyHash ~= '' then
  redis.call('HSET', K.meta, 'hosted', '1', 'hostKeyHash', A.hostKeyHash)
end
redis.call('PEXPIREAT', K.meta, A.expiresAt)
return { 'ok' }
