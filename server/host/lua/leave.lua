-- Frees the slot and tells every host in the same step: each host ends that member's
-- subscriptions when it sees this presence.leave.
-- KEYS: meta, members  ARGV: now, tokenHash, channel, event name of presence.leave
local _, rec, err = room_and_member(ARGV[1], KEYS[2], ARGV[2])
if err then
  return { err }
end
redis.call('HDEL', KEYS[2], ARGV[2])
local member = cjson.decode(rec)
redis.call('PUBLISH', ARGV[3],
  ARGV[4] .. ' 0 ' .. cjson.encode({ participantId = member.p, name = member.n }))
return { 'ok', rec }
