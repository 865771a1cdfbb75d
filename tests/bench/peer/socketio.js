#!/usr/bin/env node
'use strict';
// Socket.IO + @socket.io/redis-adapter reference for B3/B4 only. It does NOT speak the Private
// Chat protocol: its own minimal event protocol (events with acks) over Socket.IO's WebSocket
// transport:
//   "create" {ttl, maxParticipants}          -> ack {ok, roomId}
//   "join"   {roomId, name}                  -> atomic join (same Lua as the peer), socket joins
//                                               the Socket.IO room -> ack {ok, token, participantId}
//   "send"   {roomId, token, text}           -> seq + store in one Lua script, then
//                                               io.to(roomId).emit("chat.message", message), which
//                                               the redis adapter publishes to Redis -> ack {ok, message}
// So per message Redis does one script and one PUBLISH, as for the other servers.

const { Server } = require('socket.io');
const { createAdapter } = require('@socket.io/redis-adapter');
const { parseArgs, randomId, newToken, tokenHash, redisClient, defineScripts, roomKeys, listen, httpServer } = require('./common');

const opts = parseArgs(process.argv.slice(2), { listen: '127.0.0.1:7880', redis: '/tmp/redis.sock' });
const pub = redisClient(opts.redis, { enableAutoPipelining: true });
const sub = redisClient(opts.redis);
defineScripts(pub, [['create', 1], ['join', 2], ['send', 4]]);

const keys = roomKeys;

const server = httpServer();
const io = new Server(server, {
  transports: ['websocket'],
  perMessageDeflate: false,
  maxHttpBufferSize: 65536,
  serveClient: false,
  adapter: createAdapter(pub, sub),
});

const guard = (fn) => async (p, ack) => {
  if (typeof ack !== 'function') return;
  try {
    ack(await fn(p || {}));
  } catch (e) {
    ack({ ok: false, error: String(e.message || e) });
  }
};

io.on('connection', (socket) => {
  socket.on('create', guard(async (p) => {
    const ttl = Number.isInteger(p.ttl) ? p.ttl : 600;
    const max = Number.isInteger(p.maxParticipants) ? p.maxParticipants : 2;
    const roomId = randomId(21);
    const now = Date.now();
    const r = await pub.create(keys(roomId).meta, now, now + ttl * 1000, max);
    if (r[0] !== 'ok') throw new Error(r[0]);
    return { ok: true, roomId };
  }));
  socket.on('join', guard(async (p) => {
    const token = newToken();
    const k = keys(String(p.roomId));
    const r = await pub.join(k.meta, k.members, Date.now(), tokenHash(token), '0', randomId(12), String(p.name), k.channel);
    if (r[0] !== 'ok') throw new Error(r[0]);
    socket.join(String(p.roomId));
    return { ok: true, token, participantId: JSON.parse(r[1]).p };
  }));
  socket.on('send', guard(async (p) => {
    const text = String(p.text || '');
    if (!text.trim() || text.length > 1000) throw new Error('too-large');
    const roomId = String(p.roomId);
    const k = keys(roomId);
    // The peer's send script without a channel: it stores, and the adapter publishes.
    const r = await pub.send(k.meta, k.members, k.messages, k.dedup, Date.now(), tokenHash(String(p.token || '')), randomId(16), text, '', '', roomId, 1000);
    if (r[0] !== 'ok') throw new Error(r[0]);
    const message = JSON.parse(r[1]);
    io.to(roomId).emit('chat.message', message);
    return { ok: true, message };
  }));
});

sub.on('ready', () => {
  if (!server.listening) listen(server, opts.listen, '/socket.io/');
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
