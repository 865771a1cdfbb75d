-- A room's deadline passed: tell subscribers, remove every key.
-- KEYS: meta, members, messages, dedup  ARGV: now, channel, event
local deadline = redis.call('HGET', KEYS[1], 'expiresAt')
if deadline and tonumber(deadline) > tonumber(ARGV[1]) then
  return { 'alive', deadline }
end
if deadline then
  redis.call('PUBLISH', ARGV[2], ARGV[3])
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
return { 'ok' }
