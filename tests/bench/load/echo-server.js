#!/usr/bin/env node
'use strict';
// B0's trivial servers, to calibrate the load generator: a TCP echo port (loopback round trip)
// and a WebSocket server that answers the ops the generator uses with canned replies and
// relays messages.send to the room's connections — no Redis, no storage, no checks.
// Written on raw frames (no `ws`) so that it is cheaper per message than the generator.

const net = require('net');
const crypto = require('crypto');

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC11A49';
const rooms = new Map(); // roomId -> [conn, ...]
let nextRoom = 0;

function frame(str) {
  const len = Buffer.byteLength(str);
  const head = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const buf = Buffer.allocUnsafe(head + len);
  buf[0] = 0x81;
  if (len < 126) buf[1] = len;
  else if (len < 65536) {
    buf[1] = 126;
    buf.writeUInt16BE(len, 2);
  } else {
    buf[1] = 127;
    buf.writeUInt32BE(0, 2);
    buf.writeUInt32BE(len, 6);
  }
  buf.write(str, head, len, 'utf8');
  return buf;
}

function field(s, key) {
  const k = s.indexOf(`"${key}":`);
  if (k < 0) return undefined;
  let i = k + key.length + 3;
  if (s[i] === '"') return s.slice(i + 1, s.indexOf('"', i + 1));
  let j = i;
  while (j < s.length && s[j] !== ',' && s[j] !== '}') ++j;
  return s.slice(i, j);
}

function onText(conn, s) {
  const id = field(s, 'id');
  const op = field(s, 'op');
  const reply = (data) => conn.sock.write(frame(`{"type":"reply","id":${id},"ok":true,"data":${data}}`));
  if (op === 'messages.send') {
    const roomId = field(s, 'roomId');
    const text = field(s, 'text');
    const seq = ++conn.seq;
    const msg = `{"id":"m${seq}","seq":${seq},"roomId":"${roomId}","participantId":"p","sender":"s","text":"${text}","timestamp":${Date.now()}}`;
    reply(`{"message":${msg}}`);
    const ev = frame(`{"type":"event","channel":"${roomId}","event":"chat.message","data":${msg}}`);
    for (const c of rooms.get(roomId) || []) c.sock.write(ev);
  } else if (op === 'room.create') {
    const roomId = String(++nextRoom).padStart(21, 'r');
    rooms.set(roomId, []);
    reply(`{"roomId":"${roomId}","ttl":3600,"expiresAt":${Date.now() + 3600e3},"maxParticipants":2}`);
  } else if (op === 'room.join') {
    reply(`{"token":"t${crypto.randomBytes(8).toString('hex')}","participantId":"p","name":"n","ttl":3600,"expiresAt":0,"maxParticipants":2,"participants":[],"lastSeq":0}`);
  } else if (op === 'subscribe') {
    const roomId = field(s, 'channel');
    (rooms.get(roomId) || rooms.set(roomId, []).get(roomId)).push(conn);
    reply(`{"channel":"${roomId}","lastSeq":0}`);
  } else {
    reply('{"messages":[],"lastSeq":0,"firstSeq":1}');
  }
}

function onData(conn, chunk) {
  let buf = conn.pending ? Buffer.concat([conn.pending, chunk]) : chunk;
  conn.pending = null;
  let at = 0;
  if (!conn.open) {
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return void (conn.pending = buf);
    const head = buf.toString('latin1', 0, end);
    const key = /sec-websocket-key:\s*(\S+)/i.exec(head)[1];
    const accept = crypto.createHash('sha1').update(key + GUID).digest('base64');
    conn.sock.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    conn.sock.write(frame('{"type":"hello","protocol":1,"server":"bench-echo"}'));
    conn.open = true;
    at = end + 4;
  }
  while (at + 6 <= buf.length) {
    let len = buf[at + 1] & 0x7f;
    let head = 2;
    if (len === 126) {
      len = buf.readUInt16BE(at + 2);
      head = 4;
    } else if (len === 127) {
      len = buf.readUInt32BE(at + 6);
      head = 10;
    }
    const start = at + head + 4;
    if (start + len > buf.length) break;
    const opcode = buf[at] & 0x0f;
    const m = buf.subarray(at + head, start);
    const p = Buffer.allocUnsafe(len);
    for (let i = 0; i < len; ++i) p[i] = buf[start + i] ^ m[i & 3];
    if (opcode === 1) onText(conn, p.toString('latin1'));
    else if (opcode === 8) return void conn.sock.end();
    at = start + len;
  }
  if (at < buf.length) conn.pending = buf.subarray(at);
}

const ws = net.createServer({ noDelay: true }, (sock) => {
  sock.setNoDelay(true);
  const conn = { sock, open: false, pending: null, seq: 0 };
  sock.on('data', (c) => onData(conn, c));
  sock.on('error', () => {});
});
const tcp = net.createServer({ noDelay: true }, (sock) => {
  sock.setNoDelay(true);
  sock.on('data', (c) => sock.write(c));
  sock.on('error', () => {});
});
ws.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () =>
  tcp.listen({ host: '127.0.0.1', port: 0 }, () => {
    process.stdout.write(`tcp echo on ${tcp.address().port}\n`);
    process.stdout.write(`listening on ws://127.0.0.1:${ws.address().port}/api/realtime\n`);
  }),
);
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
