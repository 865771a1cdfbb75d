'use strict';
// What the Node peer (server.js: ws + ioredis) and the Bun peer (server.bun.js: Bun.serve +
// Bun's RedisClient) share: the Private Chat protocol v1 (docs/protocol.md) for the ops the
// benchmark uses — room.create, room.join (atomic cap), room.info, room.ttl, messages.send
// (seq + store + publish in one Lua script), messages.list, subscribe, unsubscribe — with the
// same Redis work per op as the Qt host: one script per op, pub/sub on its own connection, one
// subscription per room with local subscribers. room.leave and room.destroy answer
// `unknown-op` (the benchmark does not use them).
//
// Limits as the host's: 64 KiB messages (close 1009, the transport's), 1 MiB outgoing queue
// (close 1008, the transport's sendFrame), idle timeout, a token-bucket rate limit per
// connection. Plain JavaScript that runs the same in both runtimes: what differs between the
// two peers is only the runtime, its WebSocket server and its Redis client.
//
// createPeer({ opts, redis, bus, sendFrame, isUnavailable, server }) takes
//   redis.create|join|send|read|expire(...keys, ...args) -> Promise of the script's reply,
//   bus.subscribe(channel) and bus.unsubscribe(channel) -> Promise (messages: peer.onBusMessage),
//   sendFrame(conn, frame): one text frame to conn.ws (dropping a reader past 1 MiB queued),
//   isUnavailable(err): whether a Redis error means "Redis cannot be reached",
// and returns { open(ws), onText(conn, text), onBinary(conn), onActivity(conn), onClose(conn),
// onBusMessage(channel, payload) }. conn.ws needs close(code, reason) and send(text).

const { randomId, newToken, tokenHash, ROOM_ID, roomKeys } = require('./common');

const MAX_MESSAGE = 65536;
const MAX_QUEUE = 1 << 20;
const HISTORY = 1000;
const EVENTS = ['chat.message', 'chat.destroy', 'presence.join', 'presence.leave', 'room.resync'];
const ALWAYS = new Set(['chat.destroy', 'room.resync']);
const PEER_DEFAULTS = {
  listen: '127.0.0.1:7879',
  redis: '/tmp/redis.sock',
  rateBurst: 200,
  ratePerSecond: 20,
  rateAbuseLimit: 50,
  idleTimeout: 60,
  tlsCert: '', // PEM files: serve wss:// (the transports read them; the protocol is the same)
  tlsKey: '',
};
// The scripts of peer/lua/ and their number of keys.
const SCRIPTS = [['create', 1], ['join', 2], ['send', 4], ['read', 3], ['expire', 4]];

// ---- replies -------------------------------------------------------------------------------

class ProtocolError extends Error {
  constructor(code, message, extra) {
    super(message);
    this.code = code;
    this.extra = extra;
  }
}
const fail = (code, message, extra) => {
  throw new ProtocolError(code, message, extra);
};
const SCRIPT_ERRORS = {
  'room-not-found': 'No live room with that ID.',
  unauthorized: 'That token is not a current member of this room.',
  'room-full': 'This room is already full.',
};

function scriptStatus(result) {
  const status = result[0];
  if (status === 'ok') return;
  if (SCRIPT_ERRORS[status]) fail(status, SCRIPT_ERRORS[status]);
  throw new Error(`script answered ${status}`);
}

// ---- parameters ----------------------------------------------------------------------------

function string(body, key, required = true) {
  const v = body[key];
  if (v === undefined) {
    if (required) fail('bad-request', `"${key}" is missing.`);
    return undefined;
  }
  if (typeof v !== 'string') fail('bad-request', `"${key}" must be a string.`);
  return v;
}
function checkLength(key, v, max) {
  if (v === undefined) return;
  if (v.length > max) fail('too-large', `"${key}" is longer than ${max} characters.`);
  if (v.trim().length === 0) fail('too-large', `"${key}" is empty or only whitespace.`);
}
function integer(body, key, min, max, dflt) {
  const v = body[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    fail('bad-request', `"${key}" must be an integer from ${min} to ${max}.`);
  return v;
}
function roomIdOf(body, key = 'roomId') {
  const v = string(body, key);
  if (!ROOM_ID.test(v)) fail('bad-request', `"${key}" is not a room ID (21 characters of A-Z a-z 0-9 _ -).`);
  return v;
}
function member(body, key = 'roomId') {
  const roomId = roomIdOf(body, key);
  const token = string(body, 'token', false);
  return { roomId, token: token === undefined ? '' : token };
}
const keys = roomKeys;
const hashOf = (token) => (token === '' ? '' : tokenHash(token));

function roomState(r, at) {
  const expiresAt = Number(r[at]);
  const participants = r[at + 3]
    .map((j) => JSON.parse(j))
    .sort((a, b) => a.j - b.j)
    .map((m) => ({ participantId: m.p, name: m.n }));
  return {
    ttl: Math.max(0, Math.ceil((expiresAt - Date.now()) / 1000)),
    expiresAt,
    maxParticipants: Number(r[at + 1]),
    participants,
    lastSeq: Number(r[at + 2]),
  };
}

// What an op's reply data may carry to be done right after the reply went out (a symbol key:
// JSON.stringify leaves it out).
const AFTER_REPLY = Symbol('after reply');

function validId(id) {
  if (typeof id === 'number') return Number.isInteger(id) && Math.abs(id) <= Number.MAX_SAFE_INTEGER;
  return typeof id === 'string' && id.length >= 1 && id.length <= 64;
}

function createPeer({ opts, redis, bus, sendFrame, isUnavailable, server }) {
  const reply = (conn, id, data) => sendFrame(conn, JSON.stringify({ type: 'reply', id, ok: true, data }));
  function replyError(conn, id, err) {
    let error;
    if (err instanceof ProtocolError) error = { code: err.code, message: err.message, ...err.extra };
    else if (err && isUnavailable(err))
      error = { code: 'unavailable', message: 'The store cannot be reached right now; retry later.' };
    else {
      console.error('internal error:', err && err.message);
      error = { code: 'internal', message: 'Internal error.' };
    }
    sendFrame(conn, JSON.stringify({ type: 'reply', id, ok: false, error }));
  }

  // ---- rooms and fan-out -------------------------------------------------------------------

  const rooms = new Map(); // roomId -> { channel, subs: Map(conn -> sub), active: Promise, timer }

  function localRoom(roomId) {
    let room = rooms.get(roomId);
    if (!room) {
      const channel = keys(roomId).channel;
      room = { roomId, channel, subs: new Map(), active: bus.subscribe(channel), timer: null };
      rooms.set(roomId, room);
    }
    return room;
  }
  function dropIfUnused(room) {
    if (room.subs.size > 0 || rooms.get(room.roomId) !== room) return;
    rooms.delete(room.roomId);
    clearTimeout(room.timer);
    bus.unsubscribe(room.channel).catch(() => {});
  }
  function armExpiry(room, expiresAt) {
    clearTimeout(room.timer);
    room.timer = setTimeout(() => expire(room), Math.max(0, expiresAt - Date.now()));
  }
  async function expire(room) {
    const k = keys(room.roomId);
    const payload = JSON.stringify({ event: 'chat.destroy', data: { isDestroyed: true, reason: 'expired' } });
    try {
      const r = await redis.expire(k.meta, k.members, k.messages, k.dedup, Date.now(), k.channel, payload);
      if (r[0] === 'alive') return armExpiry(room, Number(r[1]));
    } catch (e) {
      /* the keys carry the deadline: Redis removes them anyway */
    }
    deliver(room, 'chat.destroy', { isDestroyed: true, reason: 'expired' });
  }

  function deliver(room, event, data) {
    const frame = JSON.stringify({ type: 'event', channel: room.roomId, event, data });
    const seq = event === 'chat.message' ? data.seq : 0;
    const ends = event === 'chat.destroy';
    for (const [conn, sub] of room.subs) {
      if (!sub.events.has(event) && !ALWAYS.has(event)) continue;
      if (sub.pending) {
        sub.held.push([seq, frame]);
        continue;
      }
      if (seq) {
        if (seq <= sub.lastSeq) continue;
        sub.lastSeq = seq;
      }
      sendFrame(conn, frame);
      if (ends) {
        room.subs.delete(conn);
        conn.rooms.delete(room.roomId);
      }
    }
    if (ends) clearTimeout(room.timer);
    dropIfUnused(room);
  }

  function onBusMessage(channel, payload) {
    const roomId = channel.slice(6, -1); // room:{<id>}
    const room = rooms.get(roomId);
    if (!room) return;
    let ev;
    try {
      ev = JSON.parse(payload);
    } catch {
      return;
    }
    if (EVENTS.includes(ev.event)) deliver(room, ev.event, ev.data);
  }

  // ---- ops ---------------------------------------------------------------------------------

  const OPS = {
    async 'room.create'(conn, body) {
      const ttl = integer(body, 'ttl', 5, 604800, 600);
      const maxParticipants = integer(body, 'maxParticipants', 2, 100, 2);
      limit(conn);
      for (;;) {
        const roomId = randomId(21);
        const now = Date.now();
        const expiresAt = now + ttl * 1000;
        const r = await redis.create(keys(roomId).meta, now, expiresAt, maxParticipants);
        if (r[0] === 'exists') continue;
        scriptStatus(r);
        return { roomId, ttl, expiresAt, maxParticipants };
      }
    },

    async 'room.join'(conn, body) {
      const roomId = roomIdOf(body);
      const name = string(body, 'name');
      const given = string(body, 'token', false);
      if (name.length === 0) fail('too-large', '"name" is empty.');
      checkLength('name', name, 100);
      limit(conn);
      const rejoin = given !== undefined;
      const token = rejoin ? given : newToken();
      const k = keys(roomId);
      const r = await redis.join(k.meta, k.members, Date.now(), token === '' ? '' : tokenHash(token),
        rejoin ? '1' : '0', randomId(12), name, k.channel);
      scriptStatus(r);
      const me = JSON.parse(r[1]);
      return { token, participantId: me.p, name: me.n, ...roomState(r, 2) };
    },

    async 'room.info'(conn, body) {
      const m = member(body);
      limit(conn);
      return roomState(await read(m, 0, 0), 1);
    },

    async 'room.ttl'(conn, body) {
      const m = member(body);
      limit(conn);
      return { ttl: roomState(await read(m, 0, 0), 1).ttl };
    },

    async 'messages.send'(conn, body) {
      const m = member(body);
      const text = string(body, 'text');
      const clientMsgId = string(body, 'clientMsgId', false);
      if (text.length === 0) fail('too-large', '"text" is empty.');
      checkLength('text', text, 1000);
      checkLength('clientMsgId', clientMsgId, 64);
      limit(conn);
      const k = keys(m.roomId);
      const r = await redis.send(k.meta, k.members, k.messages, k.dedup, Date.now(), hashOf(m.token),
        randomId(16), text, clientMsgId || '', k.channel, m.roomId, HISTORY);
      scriptStatus(r);
      return { message: JSON.parse(r[1]) };
    },

    async 'messages.list'(conn, body) {
      const m = member(body);
      const after = integer(body, 'after', 0, Number.MAX_SAFE_INTEGER, 0);
      const lim = integer(body, 'limit', 1, 1000, 1000);
      limit(conn);
      const r = await read(m, after, lim);
      return { messages: r[6].map((j) => JSON.parse(j)), lastSeq: Number(r[3]), firstSeq: Number(r[5]) };
    },

    async subscribe(conn, body) {
      const m = member(body, 'channel');
      let events = new Set(EVENTS);
      if (body.events !== undefined) {
        if (!Array.isArray(body.events) || !body.events.every((e) => EVENTS.includes(e)))
          fail('bad-request', '"events" must be a list of event names from the protocol.');
        events = new Set(body.events);
      }
      limit(conn);
      const room = localRoom(m.roomId);
      let sub = room.subs.get(conn);
      const first = !sub;
      if (first) {
        sub = { events, lastSeq: 0, pending: true, held: [] };
        room.subs.set(conn, sub);
        conn.rooms.add(m.roomId);
      }
      try {
        await room.active; // from now on every event of the room reaches this process
        const r = await read(m, 0, 0);
        const state = roomState(r, 1);
        const data = { channel: m.roomId, lastSeq: state.lastSeq };
        if (rooms.get(m.roomId) !== room || room.subs.get(conn) !== sub) {
          // the room ended meanwhile
          data[AFTER_REPLY] = () => sendFrame(conn, JSON.stringify({ type: 'event', channel: m.roomId,
            event: 'chat.destroy', data: { isDestroyed: true, reason: 'destroyed' } }));
          return data;
        }
        sub.events = events;
        armExpiry(room, state.expiresAt);
        if (first) {
          sub.lastSeq = state.lastSeq;
          // Held events go out right after the reply (onText runs this once it sent the reply).
          data[AFTER_REPLY] = () => {
            sub.pending = false;
            for (const [seq, frame] of sub.held.splice(0)) {
              if (seq && seq <= sub.lastSeq) continue;
              if (seq) sub.lastSeq = seq;
              sendFrame(conn, frame);
            }
          };
        }
        return data;
      } catch (e) {
        if (first && room.subs.get(conn) === sub) {
          room.subs.delete(conn);
          conn.rooms.delete(m.roomId);
          dropIfUnused(room);
        }
        throw e;
      }
    },

    async unsubscribe(conn, body) {
      const roomId = roomIdOf(body, 'channel');
      limit(conn);
      unsubscribe(conn, roomId);
      return {};
    },
  };
  const KNOWN = new Set([...Object.keys(OPS), 'room.leave', 'room.destroy']);

  async function read(m, after, lim) {
    const k = keys(m.roomId);
    const r = await redis.read(k.meta, k.members, k.messages, Date.now(), hashOf(m.token), after, lim);
    scriptStatus(r);
    return r;
  }

  function unsubscribe(conn, roomId) {
    const room = rooms.get(roomId);
    conn.rooms.delete(roomId);
    if (!room) return;
    room.subs.delete(conn);
    dropIfUnused(room);
  }

  // Token bucket per connection, as the host's (nothing is done for a limited request).
  function limit(conn) {
    const now = Date.now();
    conn.tokens = Math.min(opts.rateBurst, conn.tokens + ((now - conn.refilled) * opts.ratePerSecond) / 1000);
    conn.refilled = now;
    if (conn.tokens >= 1) {
      conn.tokens -= 1;
      conn.refused = 0;
      return;
    }
    if (++conn.refused > opts.rateAbuseLimit) {
      conn.ws.close(1008, 'too many requests while rate-limited');
    }
    fail('rate-limited', 'Too many requests; slow down.', {
      retryAfterMs: Math.ceil(((1 - conn.tokens) * 1000) / opts.ratePerSecond),
    });
  }

  // ---- connections -------------------------------------------------------------------------

  async function onText(conn, data) {
    conn.seen = Date.now();
    let body;
    try {
      body = JSON.parse(data);
    } catch {
      return replyError(conn, null, new ProtocolError('bad-request', 'The message is not JSON.'));
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      return replyError(conn, null, new ProtocolError('bad-request', 'The message is not a JSON object.'));
    const id = validId(body.id) ? body.id : null;
    try {
      if (id === null) fail('bad-request', '"id" must be an integer within ±(2^53−1) or a string of 1–64 characters.');
      if (typeof body.op !== 'string') fail('bad-request', '"op" is missing or not a string.');
      const op = OPS[body.op];
      if (!op) fail('unknown-op', KNOWN.has(body.op) ? `"${body.op}" is not implemented by the benchmark peer.` : `Unknown op "${body.op}".`);
      const data = await op(conn, body);
      reply(conn, id, data);
      if (data[AFTER_REPLY]) data[AFTER_REPLY]();
    } catch (e) {
      replyError(conn, id, e);
    }
  }
  function onBinary(conn) {
    conn.seen = Date.now();
    replyError(conn, null, new ProtocolError('bad-request', 'Binary messages are not supported: send JSON as text.'));
  }

  const conns = new Set();
  function open(ws) {
    const conn = { ws, rooms: new Set(), tokens: opts.rateBurst, refilled: Date.now(), refused: 0, seen: Date.now() };
    conns.add(conn);
    ws.send(JSON.stringify({ type: 'hello', protocol: 1, server }));
    return conn;
  }
  function onClose(conn) {
    conns.delete(conn);
    for (const roomId of [...conn.rooms]) unsubscribe(conn, roomId);
  }
  const onActivity = (conn) => (conn.seen = Date.now());

  // Idle connections: one sweep every few seconds instead of a timer per connection.
  setInterval(() => {
    const cutoff = Date.now() - opts.idleTimeout * 1000;
    for (const conn of conns) if (conn.seen < cutoff) conn.ws.close(1001, 'idle timeout');
  }, Math.min(5000, opts.idleTimeout * 1000)).unref();

  return { open, onText, onBinary, onActivity, onClose, onBusMessage };
}

module.exports = { createPeer, PEER_DEFAULTS, SCRIPTS, MAX_MESSAGE, MAX_QUEUE };
