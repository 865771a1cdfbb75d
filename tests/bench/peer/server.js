#!/usr/bin/env node
'use strict';
// The peer a user would pick instead of the Qt host: Node + `ws` + `ioredis`, speaking the
// Private Chat protocol v1 for the ops the benchmark uses and doing the same Redis work per op as
// the Qt host (protocol.js, shared with the Bun peer, server.bun.js). This file is the transport:
// ws for the WebSocket server (64 KiB messages: close 1009; 1 MiB outgoing queue: close 1008),
// ioredis for Redis (scripts by EVALSHA, pub/sub on its own connection), TCP_NODELAY, listen
// backlog 4096; with --tls-cert and --tls-key, wss:// (Node's https, TLS 1.3). Redis commands
// issued in one tick are written together (ioredis auto-pipelining), as the host does per loop
// pass.

const { WebSocketServer, WebSocket } = require('ws');
const { parseArgs, redisClient, defineScripts, listen, httpServer, tlsOptions } = require('./common');
const { createPeer, PEER_DEFAULTS, SCRIPTS, MAX_MESSAGE, MAX_QUEUE } = require('./protocol');

const opts = parseArgs(process.argv.slice(2), PEER_DEFAULTS);
const tls = tlsOptions(opts); // --tls-cert/--tls-key: wss:// on https, the same ws server on it

const redis = redisClient(opts.redis, { enableAutoPipelining: true });
const bus = redisClient(opts.redis);
defineScripts(redis, SCRIPTS);

function sendFrame(conn, frame) {
  const ws = conn.ws;
  if (ws.readyState !== WebSocket.OPEN) return;
  ws.send(frame);
  if (ws.bufferedAmount > MAX_QUEUE) {
    ws.close(1008, 'too slow');
    setTimeout(() => ws.terminate(), 1000).unref();
  }
}

const peer = createPeer({
  opts,
  redis,
  bus,
  sendFrame,
  isUnavailable: (err) => /Connection is closed|ECONNREFUSED|ENOENT|max retries|not writeable/i.test(String(err.message)),
  server: 'privatechat/node-peer',
});
bus.on('message', peer.onBusMessage);

const server = httpServer(tls);
const wss = new WebSocketServer({ server, path: '/api/realtime', maxPayload: MAX_MESSAGE, perMessageDeflate: false, clientTracking: false });

wss.on('connection', (ws) => {
  const conn = peer.open(ws);
  ws.on('message', (data, isBinary) => (isBinary ? peer.onBinary(conn) : peer.onText(conn, data.toString())));
  ws.on('ping', () => peer.onActivity(conn));
  ws.on('pong', () => peer.onActivity(conn));
  ws.on('close', () => peer.onClose(conn));
  ws.on('error', () => {});
});

bus.on('ready', () => {
  if (!server.listening) listen(server, opts.listen, '/api/realtime', tls);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
