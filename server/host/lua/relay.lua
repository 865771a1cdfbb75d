-- A relay op: stores nothing, publishes its event (the op's fields as the host checked them,
-- A.fields) with the sender's participantId and name stamped from the token's member record.
local member = cjson.decode(MEMBER)
local payload = cjson.decode(A.fields)
payload.participantId = member.p
payload.name = member.n
payload.sealedName = member.s -- nil (left out) unless the room is end to end
publish(A.channel, A.event, 0, cjson.encode(payload))
return { 'ok' }
