-- Shared by every room script (generate.py puts it after the script's K and A, before its
-- events and prelude). Replies are arrays whose first element is 'ok' or a protocol error code.

-- The room's meta fields, or nil when the room is gone or past its deadline (Redis expires
-- keys lazily; the deadline is what counts).
local function live_room(now)
  local m = redis.call('HMGET', K.meta, 'expiresAt', 'maxParticipants', 'seq', 'e2e', 'hosted',
    'locked', 'dedup')
  if not m[1] or tonumber(m[1]) <= tonumber(now) then
    return nil
  end
  -- dedup: '0' while no message with a clientMsgId came (a room made before the field: '?')
  return { expiresAt = m[1], maxParticipants = m[2], seq = m[3], e2e = m[4] or '0',
    hosted = m[5] or '0', locked = m[6] or '0', dedup = m[7] or '?' }
end

-- The member record (JSON: p = participantId, n = name, j = join order; s = the sealed name in
-- an end-to-end room, where n is ''; h = 1 for the host of a hosted room) for a token hash.
local function member_of(members_key, token_hash)
  if token_hash == '' then
    return nil
  end
  return redis.call('HGET', members_key, token_hash) or nil
end

-- The live room and the token's member record, or the error code that comes first.
local function room_and_member(now, members_key, token_hash)
  local room = live_room(now)
  if not room then
    return nil, nil, 'room-not-found'
  end
  local rec = member_of(members_key, token_hash)
  if not rec then
    return room, nil, 'unauthorized'
  end
  return room, rec, nil
end

-- Whether a member record is the room's host.
local function is_host(rec)
  return cjson.decode(rec).h == 1
end
