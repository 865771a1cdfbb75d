-- The host removes a member: its slot and token go, and every host ends its subscriptions when
-- it sees this presence.leave (removed), as for a leave. The members are found by token hash,
-- so the participantId is looked for among at most maxParticipants records.
local members = redis.call('HGETALL', K.members)
for i = 1, #members, 2 do
  local member = cjson.decode(members[i + 1])
  if member.p == A.participantId then
    if member.h == 1 then
      return { 'host-removes-itself' }
    end
    redis.call('HDEL', K.members, members[i])
    publish(A.channel, EVENT.presence_leave, 0, ENCODE.presence_leave({ participantId = member.p,
      name = member.n, sealedName = member.s, removed = true }))
    return { 'ok' }
  end
end
return { 'member-not-found' }
