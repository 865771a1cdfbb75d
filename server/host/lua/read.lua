-- What a member may read: the room's state and, when limit > 0, a page of history.
-- (The host joins the page itself: table.concat here cost Redis twice the CPU of the LRANGE.)
local seq = tonumber(ROOM.seq)
local stored = redis.call('LLEN', K.messages)
local first = seq - stored + 1
local page = {}
local limit = tonumber(A.limit)
if limit > 0 then
  local from = math.max(tonumber(A.after) + 1, first)
  if from <= seq then
    page = redis.call('LRANGE', K.messages, from - first, from - first + limit - 1)
  end
end
return answer({ expiresAt = ROOM.expiresAt, maxParticipants = ROOM.maxParticipants,
  seq = ROOM.seq, records = redis.call('HVALS', K.members), firstSeq = tostring(first),
  page = page, record = MEMBER, e2e = ROOM.e2e, hosted = ROOM.hosted, locked = ROOM.locked })
