-- Frees the slot and tells every host in the same step: each host ends that member's
-- subscriptions when it sees this presence.leave.
redis.call('HDEL', K.members, A.tokenHash)
local member = cjson.decode(MEMBER)
publish(A.channel, EVENT.presence_leave, 0,
  ENCODE.presence_leave({ participantId = member.p, name = member.n, sealedName = member.s }))
return answer({ record = MEMBER })
