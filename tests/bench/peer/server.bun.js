// The Bun peer: the Node peer (server.js) ported to Bun's own server and Redis client, for what a
// Bun user would write instead of the Qt host. The protocol, its limits and the Redis work per op
// are the Node peer's (protocol.js, the same Lua scripts of lua/); this file is the transport:
//   Bun.serve WebSockets (uWebSockets inside): 64 KiB messages (close 1009), 1 MiB outgoing queue
//     (close 1008, dropped 1 s later), no per-message deflate, no idle timeout or pings of its
//     own (the peer's idle sweep closes silent connections, as the Node peer's);
//   Bun's RedisClient: scripts by EVALSHA (EVAL on NOSCRIPT, as ioredis does), commands of one
//     tick written together (auto-pipelining), pub/sub on its own connection, re-subscribed
//     when that connection comes back (ioredis does it by itself; Bun's client does not).
// With --tls-cert and --tls-key (PEM files), wss:// by Bun.serve's own TLS (BoringSSL).
// Run with the bun of tests/bench/node_modules (npm's `bun` package, pinned in package.json):
//   node_modules/.bin/bun peer/server.bun.js --listen 127.0.0.1:0 --redis /path/to/redis.sock
import { RedisClient } from 'bun';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, tlsOptions, listeningLines } from './common.js';
import { createPeer, PEER_DEFAULTS, SCRIPTS, MAX_MESSAGE, MAX_QUEUE } from './protocol.js';

const opts = parseArgs(process.argv.slice(2), PEER_DEFAULTS);
const tls = tlsOptions(opts);
const PATH = '/api/realtime';

// ---- Redis ---------------------------------------------------------------------------------

// A unix socket path (as the Node peer takes it) or a redis:// URL.
const url = opts.redis.startsWith('redis://') ? opts.redis : `redis+unix://${opts.redis}`;
// No offline queue: while Redis is away a command fails at once (`unavailable`), as the Node
// peer's do after ioredis' one retry; reconnecting goes on for as long as it takes.
const redisOptions = { enableOfflineQueue: false, autoReconnect: true, maxRetries: 2 ** 32 - 1 };
const redis = new RedisClient(url, { ...redisOptions, enableAutoPipelining: true });
const busClient = new RedisClient(url, { ...redisOptions, enableAutoPipelining: false });

// The scripts: EVALSHA of the SHA-1 computed here, EVAL when Redis does not know it yet.
const scripts = {};
for (const [name, numKeys] of SCRIPTS) {
  const lua = readFileSync(join(import.meta.dir, 'lua', `${name}.lua`), 'utf8');
  const sha = createHash('sha1').update(lua).digest('hex');
  const nk = String(numKeys);
  scripts[name] = async (...args) => {
    const argv = args.map(String);
    try {
      return await redis.send('EVALSHA', [sha, nk, ...argv]);
    } catch (e) {
      if (!String(e.message).startsWith('NOSCRIPT')) throw e;
      return redis.send('EVAL', [lua, nk, ...argv]);
    }
  };
}

const channels = new Set();
const onMessage = (payload, channel) => peer.onBusMessage(channel, payload);
const bus = {
  subscribe(channel) {
    channels.add(channel);
    return busClient.subscribe(channel, onMessage);
  },
  unsubscribe(channel) {
    channels.delete(channel);
    return busClient.unsubscribe(channel);
  },
};
let busConnected = false;
busClient.onconnect = () => {
  if (!busConnected) {
    busConnected = true;
    return;
  }
  // Back after a drop: Bun keeps its listeners but not the server's subscriptions.
  for (const channel of channels)
    busClient.unsubscribe(channel).then(() => channels.has(channel) && busClient.subscribe(channel, onMessage)).catch(() => {});
};

const isUnavailable = (err) =>
  /^ERR_REDIS_CONNECTION/.test(String(err.code)) || /Connection (is )?closed|ECONNREFUSED|ENOENT/i.test(String(err.message));

// ---- WebSockets ----------------------------------------------------------------------------

const OPEN = 1;
function sendFrame(conn, frame) {
  const ws = conn.ws;
  if (ws.readyState !== OPEN) return;
  ws.send(frame);
  if (ws.getBufferedAmount() > MAX_QUEUE) {
    ws.close(1008, 'too slow');
    setTimeout(() => ws.terminate(), 1000).unref();
  }
}

const peer = createPeer({ opts, redis: scripts, bus, sendFrame, isUnavailable, server: 'privatechat/bun-peer' });

function notFound(status) {
  return new Response(status === 404 ? 'not found\n' : 'bad request\n', { status, headers: { 'content-type': 'text/plain' } });
}

await redis.connect();
await busClient.connect();

const at = opts.listen.lastIndexOf(':');
const server = Bun.serve({
  hostname: opts.listen.slice(0, at),
  port: Number(opts.listen.slice(at + 1)),
  ...(tls ? { tls } : {}),
  fetch(req, srv) {
    // As ws beside Node's http server: an upgrade to the path is taken, a bad one is 400,
    // anything else 404.
    const upgrade = (req.headers.get('upgrade') || '').toLowerCase() === 'websocket';
    if (!upgrade) return notFound(404);
    if (new URL(req.url).pathname === PATH && srv.upgrade(req, { data: { conn: null } })) return undefined;
    return notFound(400);
  },
  websocket: {
    maxPayloadLength: MAX_MESSAGE,
    perMessageDeflate: false,
    idleTimeout: 0,
    sendPings: false,
    backpressureLimit: 64 * MAX_QUEUE, // above the peer's own 1 MiB drop: nothing is dropped silently
    closeOnBackpressureLimit: false,
    open(ws) {
      ws.data.conn = peer.open(ws);
    },
    message(ws, message) {
      if (typeof message === 'string') peer.onText(ws.data.conn, message);
      else peer.onBinary(ws.data.conn);
    },
    ping(ws) {
      peer.onActivity(ws.data.conn);
    },
    pong(ws) {
      peer.onActivity(ws.data.conn);
    },
    close(ws) {
      peer.onClose(ws.data.conn);
    },
  },
});
process.stdout.write(listeningLines(tls ? 'wss' : 'ws', server.hostname, server.port, PATH, tls));

for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
