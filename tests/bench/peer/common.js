'use strict';
// What the reference servers share: options, IDs, room keys, the Redis scripts, the listener
// (the Bun peer takes only the runtime-neutral part: options, IDs, room keys).

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const https = require('https');
const path = require('path');

function parseArgs(argv, defaults) {
  const opts = { ...defaults };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const key = a.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in defaults)) throw new Error(`unknown option ${a}`);
    opts[key] = typeof defaults[key] === 'number' ? Number(argv[++i]) : argv[++i];
  }
  return opts;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
let pool = crypto.randomBytes(4096);
let poolAt = 0;
// n symbols of [A-Za-z0-9_-], 6 CSPRNG bits each.
function randomId(n) {
  if (poolAt + n > pool.length) {
    pool = crypto.randomBytes(4096);
    poolAt = 0;
  }
  let s = '';
  for (let i = 0; i < n; ++i) s += ALPHABET[pool[poolAt++] & 63];
  return s;
}
const newToken = () => crypto.randomBytes(32).toString('base64url');
const tokenHash = (token) => crypto.createHash('sha256').update(token).digest('hex');
const ROOM_ID = /^[A-Za-z0-9_-]{21}$/;

function redisClient(where, extra = {}) {
  const base = where.startsWith('redis://') ? { ...parseRedisUrl(where) } : { path: where };
  const Redis = require('ioredis'); // here, so the Bun peer never loads it
  return new Redis({ ...base, maxRetriesPerRequest: 1, ...extra });
}
function parseRedisUrl(url) {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 6379), db: Number(u.pathname.slice(1) || 0) };
}

function defineScripts(redis, names) {
  for (const [name, keys] of names) {
    redis.defineCommand(name, {
      numberOfKeys: keys,
      lua: fs.readFileSync(path.join(__dirname, 'lua', `${name}.lua`), 'utf8'),
    });
  }
}

// A room's Redis keys and channel, named as the Qt host names them.
function roomKeys(roomId) {
  const tag = `{${roomId}}`;
  return { meta: `meta:${tag}`, members: `members:${tag}`, messages: `messages:${tag}`, dedup: `dedup:${tag}`, channel: `room:${tag}` };
}

// The certificate's pin as the host prints it: base64url of the SHA-256 of its DER form.
function tlsPin(certPem) {
  return crypto.createHash('sha256').update(new crypto.X509Certificate(certPem).raw).digest('base64url');
}

// What a server prints once it listens: its URL and, over TLS, the pin on the next line (as the
// host does, so the benchmark and the contract suite find it the same way).
function listeningLines(scheme, address, port, label, tls) {
  return `listening on ${scheme}://${address}:${port}${label}\n` + (tls ? `fingerprint: ${tlsPin(tls.cert)}\n` : '');
}

// Same listener limits as the Qt host: Nagle off, a 4096-deep accept queue (for https,
// 'connection' is the TCP socket under the TLS one).
function listen(server, listenAt, label, tls = null) {
  const at = listenAt.lastIndexOf(':');
  const host = listenAt.slice(0, at);
  const port = Number(listenAt.slice(at + 1));
  server.on('connection', (socket) => socket.setNoDelay(true));
  server.listen({ host, port, backlog: 4096 }, () => {
    const a = server.address();
    process.stdout.write(listeningLines(tls ? 'wss' : 'ws', a.address, a.port, label, tls));
  });
}

// --tls-cert and --tls-key (PEM files): the certificate and key to serve wss:// with, or null.
function tlsOptions(opts) {
  if (!opts.tlsCert && !opts.tlsKey) return null;
  if (!opts.tlsCert || !opts.tlsKey) throw new Error('--tls-cert and --tls-key go together');
  return { cert: fs.readFileSync(opts.tlsCert, 'utf8'), key: fs.readFileSync(opts.tlsKey, 'utf8') };
}

// Plain http, or https with TLS 1.3 only (what the host and the generator speak).
function httpServer(tls = null) {
  const notFound = (req, res) => {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  };
  if (tls) return https.createServer({ ...tls, minVersion: 'TLSv1.3', noDelay: true }, notFound);
  return http.createServer({ noDelay: true }, notFound);
}

module.exports = { parseArgs, randomId, newToken, tokenHash, ROOM_ID, redisClient, defineScripts, roomKeys, listen, httpServer, tlsOptions, listeningLines };
