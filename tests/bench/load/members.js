'use strict';
// Simulated chat members for the load generator: one WebSocket connection each, speaking
// either the Private Chat protocol ('pc') or the Socket.IO reference's event protocol ('sio').
//
// Hot-path messages carry their own timestamp in the text: "~B<phase>~<sendUs>~<member>~pad".
// <sendUs> is the *scheduled* send time (µs on this process' performance clock), so a
// generator that falls behind shows up as latency instead of hiding it. Only the other member's
// copy is a latency sample; the sender's own copy (it is subscribed too) is counted apart.

const { performance } = require('perf_hooks');
const { WsConn } = require('./wsclient');

// Everything the members count, reset per phase by the driver.
const stats = {
  phase: 0,
  lat: new Float64Array(1 << 20),
  nLat: 0,
  delivered: 0, // chat.message to the other member, this phase
  selfCopies: 0, // chat.message back to its sender
  stale: 0, // deliveries of an earlier phase
  sendOk: 0,
  sendErr: 0,
  errors: {}, // code or close reason -> count
  frames: 0, // every frame received (for quiescence)
  unexpectedCloses: 0,
};

function resetPhase() {
  stats.phase += 1;
  stats.nLat = 0;
  stats.delivered = 0;
  stats.selfCopies = 0;
  stats.stale = 0;
  stats.sendOk = 0;
  stats.sendErr = 0;
  stats.errors = {};
  return stats.phase;
}

function countError(what) {
  stats.errors[what] = (stats.errors[what] || 0) + 1;
}

function pushLatency(us) {
  if (stats.nLat === stats.lat.length) {
    const bigger = new Float64Array(stats.lat.length * 2);
    bigger.set(stats.lat);
    stats.lat = bigger;
  }
  stats.lat[stats.nLat++] = us;
}

const ID_RE = /"id":(-?\d+)[,}]/;
const ERR_RE = /"code":"([a-z-]+)"/;
const PATHS = { pc: '/api/realtime', sio: '/socket.io/?EIO=4&transport=websocket' };
const SOURCES = 8; // loopback source addresses 127.0.0.1 … 127.0.0.8

class Member {
  constructor(idx, proto) {
    this.idx = idx;
    this.proto = proto;
    this.conn = null;
    this.pending = new Map();
    this.nextId = 1;
    this.roomId = null;
    this.token = null;
    this.ready = null; // [resolve, reject] until the connection is usable
    this.closing = false;
    this.prefix = null; // hot-path request up to the text
  }

  connect(server) {
    return new Promise((resolve, reject) => {
      this.ready = [resolve, reject];
      const localAddress = `127.0.0.${1 + (this.idx % SOURCES)}`;
      this.conn = new WsConn({ host: server.host, port: server.port, path: PATHS[this.proto], localAddress, fingerprint: server.fingerprint }, this);
      this.conn.connect();
    });
  }

  onOpen() {}

  onClose(conn, reason) {
    if (this.ready) {
      const reject = this.ready[1];
      this.ready = null;
      reject(new Error(reason));
    } else if (!this.closing) {
      stats.unexpectedCloses += 1;
      countError(`closed:${reason}`);
    }
    for (const [, p] of this.pending) p[1](new Error(reason));
    this.pending.clear();
  }

  close() {
    this.closing = true;
    if (this.conn) this.conn.destroy();
  }

  // A request outside the hot path: resolves with the raw reply text; requestTimed with
  // { raw, at }, `at` the reply's arrival (ms, performance clock).
  request(op, params) {
    return this.requestWith(op, params, false);
  }

  requestTimed(op, params) {
    return this.requestWith(op, params, true);
  }

  requestWith(op, params, timed) {
    const id = this.nextId++;
    const text =
      this.proto === 'pc' ? JSON.stringify({ id, op, ...params }) : `42${id}${JSON.stringify([op, params])}`;
    return new Promise((resolve, reject) => {
      this.pending.set(id, [resolve, reject, timed]);
      if (!this.transmit(text)) {
        this.pending.delete(id);
        reject(new Error('not-open'));
      }
    });
  }

  transmit(text) {
    return this.conn.sendText(text);
  }

  // The same, parsed, throwing the protocol error code.
  async call(op, params) {
    const raw = await this.request(op, params);
    if (this.proto === 'pc') {
      const r = JSON.parse(raw);
      if (!r.ok) throw new Error(r.error.code);
      return r.data;
    }
    const r = JSON.parse(raw.slice(raw.indexOf('[')))[0];
    if (!r.ok) throw new Error(r.error);
    return r;
  }

  setRoom(roomId, token) {
    this.roomId = roomId;
    this.token = token;
    this.prefix =
      this.proto === 'pc'
        ? `{"id":0,"op":"messages.send","roomId":"${roomId}","token":"${token}","text":"`
        : `420["send",{"roomId":"${roomId}","token":"${token}","text":"`;
  }

  sendChat(text) {
    return this.conn.sendText(this.prefix + text + (this.proto === 'pc' ? '"}' : '"}]'));
  }

  onText(conn, s) {
    stats.frames += 1;
    if (this.proto === 'pc') {
      const t = s.indexOf('"type":"');
      const c = s.charCodeAt(t + 8);
      if (c === 101 /* e */) return this.onEvent(s);
      if (c === 114 /* r */) {
        const m = ID_RE.exec(s);
        const id = m ? Number(m[1]) : NaN;
        if (id === 0) return this.onSendReply(s.indexOf('"ok":true') >= 0, s);
        return this.settle(id, s);
      }
      if (c === 104 /* h */ && this.ready) {
        const resolve = this.ready[0];
        this.ready = null;
        resolve(this);
      }
      return;
    }
    // Socket.IO / Engine.IO v4 packets
    const c0 = s.charCodeAt(0);
    if (c0 === 52 /* 4 */) {
      const c1 = s.charCodeAt(1);
      if (c1 === 50 /* 42 event */) return this.onEvent(s);
      if (c1 === 51 /* 43 ack */) {
        const open = s.indexOf('[');
        const id = Number(s.slice(2, open));
        if (id === 0) return this.onSendReply(s.indexOf('"ok":true') >= 0, s);
        return this.settle(id, s);
      }
      if (c1 === 48 /* 40 connected */ && this.ready) {
        const resolve = this.ready[0];
        this.ready = null;
        resolve(this);
      }
      return;
    }
    if (c0 === 50 /* 2 ping */) return void conn.sendText('3');
    if (c0 === 48 /* 0 open */) conn.sendText('40');
  }

  settle(id, s, at = performance.now()) {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p[0](p[2] ? { raw: s, at } : s);
  }

  onSendReply(ok, s) {
    if (ok) {
      stats.sendOk += 1;
      return;
    }
    stats.sendErr += 1;
    const m = ERR_RE.exec(s) || /"error":"([^"]+)"/.exec(s);
    countError(m ? m[1] : 'error-reply');
  }

  onEvent(s) {
    if (s.indexOf('"chat.message"') < 0) return;
    const k = s.indexOf('~B');
    if (k < 0) return;
    let i = k + 2;
    let phase = 0;
    let c;
    while ((c = s.charCodeAt(i++)) !== 126) phase = phase * 10 + (c - 48);
    let sent = 0;
    while ((c = s.charCodeAt(i++)) !== 126) sent = sent * 10 + (c - 48);
    let from = 0;
    while ((c = s.charCodeAt(i++)) !== 126) from = from * 10 + (c - 48);
    if (phase !== stats.phase) {
      stats.stale += 1;
      return;
    }
    if (from === this.idx) {
      stats.selfCopies += 1;
      return;
    }
    stats.delivered += 1;
    pushLatency(performance.now() * 1000 - sent);
  }
}

// Wait until every expected delivery arrived, or nothing arrived for `quietMs`.
async function drain(expected, quietMs = 500, maxMs = 15000) {
  const t0 = performance.now();
  let frames = stats.frames;
  let quietSince = performance.now();
  while (stats.delivered < expected && performance.now() - t0 < maxMs) {
    await new Promise((r) => setTimeout(r, 20));
    if (stats.frames !== frames) {
      frames = stats.frames;
      quietSince = performance.now();
    } else if (performance.now() - quietSince > quietMs) break;
  }
}

module.exports = { Member, stats, resetPhase, countError, drain, ID_RE };
