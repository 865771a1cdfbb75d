'use strict';
// The driver's side of the compiled load generator (tests/bench/gen/loadgen.cpp): one child
// process on CPU 0 holding every 'pc' member's connection. Members here are proxies with the
// interface of members.js' Member (connect, call, request, setRoom, close); the hot load runs in
// the child: load() sends on schedule, drain() waits as members.js' drain does, collect() puts
// the child's counters and latency samples into members.js' `stats`, so that bench.js computes
// every figure from them as it does for the Node generator. One command or report per line.

const { spawn } = require('child_process');
const { performance } = require('perf_hooks');
const { Member, stats, ID_RE } = require('./members');
const { children } = require('./proc');

const PATH = '/api/realtime';
const SOURCES = 8; // loopback source addresses 127.0.0.1 … 127.0.0.8, as members.js

class CompiledGenerator {
  constructor(bin) {
    this.child = spawn(bin, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.add(this.child);
    this.pid = this.child.pid;
    this.members = new Map(); // idx -> RemoteMember, while connected
    this.lines = [];
    this.waiting = { sent: [], drained: [], stats: [] };
    this.partial = '';
    // The child stamps replies with CLOCK_MONOTONIC, which process.hrtime reads too.
    this.monoMinusPerfMs = Number(process.hrtime.bigint()) / 1e6 - performance.now();
    this.child.stdout.setEncoding('latin1'); // frames as members.js decodes them
    this.child.stdout.on('data', (d) => this.onData(d));
    // Its members' connections are gone with it: the run cannot go on.
    this.child.on('exit', (code, signal) => {
      console.error(`benchmark failed: the compiled generator (${bin}) exited (${code ?? signal})`);
      process.exit(1);
    });
  }

  write(line) {
    // Lines of one turn of the event loop go out in one write.
    if (this.lines.push(line) === 1) setImmediate(() => this.child.stdin.write(this.lines.splice(0).join('\n') + '\n'));
  }

  wait(what, line) {
    return new Promise((resolve, reject) => {
      this.waiting[what].push([resolve, reject]);
      this.write(line);
    });
  }

  member(idx) {
    return new RemoteMember(this, idx);
  }

  // One load phase: message k of `total` is sent at t0 + k / rate (t0 2 ms from now) by
  // pairs[k % pairs.length], its a or b member alternating per round; resolves when all are out.
  load(pairs, phase, rate, total) {
    this.write(`phase ${phase}`);
    this.write(`pairs ${pairs.map((p) => `${p.a.idx} ${p.b.idx}`).join(' ')}`);
    return this.wait('sent', `load ${rate} ${total}`);
  }

  drain(expected, quietMs = 500, maxMs = 15000) {
    return this.wait('drained', `drain ${expected === Infinity ? 'inf' : expected} ${quietMs} ${maxMs}`);
  }

  // The phase's counters and latency samples into members.js' stats.
  async collect() {
    const r = await this.wait('stats', 'stats');
    for (const k of ['delivered', 'selfCopies', 'stale', 'sendOk', 'sendErr']) stats[k] = r[k];
    for (const [what, count] of Object.entries(r.errors)) stats.errors[what] = (stats.errors[what] || 0) + count;
    if (r.lat.length > stats.lat.length) stats.lat = new Float64Array(2 ** Math.ceil(Math.log2(r.lat.length)));
    stats.lat.set(r.lat);
    stats.nLat = r.lat.length;
  }

  onData(d) {
    let at = d.indexOf('\n');
    if (at < 0) {
      this.partial += d;
      return;
    }
    let text = this.partial + d;
    at += this.partial.length;
    this.partial = '';
    let from = 0;
    for (; at >= 0; from = at + 1, at = text.indexOf('\n', from)) this.onLine(text.slice(from, at));
    this.partial = text.slice(from);
    text = null;
  }

  onLine(line) {
    const sp = line.indexOf(' ');
    const what = sp < 0 ? line : line.slice(0, sp);
    if (what === 'reply') {
      const a = line.indexOf(' ', sp + 1);
      const b = line.indexOf(' ', a + 1);
      const m = this.members.get(Number(line.slice(sp + 1, a)));
      if (m) m.onReply(line.slice(b + 1), Number(line.slice(a + 1, b)) / 1000 - this.monoMinusPerfMs);
    } else if (what === 'open' || what === 'closed') {
      const rest = line.slice(sp + 1);
      const sp2 = rest.indexOf(' ');
      const m = this.members.get(Number(sp2 < 0 ? rest : rest.slice(0, sp2)));
      if (!m) return;
      if (what === 'open') m.onHello();
      else m.finish(rest.slice(sp2 + 1));
    } else if (what === 'stats') {
      const w = this.waiting.stats.shift();
      if (w) w[0](JSON.parse(line.slice(sp + 1)));
    } else if (what === 'sent' || what === 'drained') {
      const w = this.waiting[what].shift();
      if (w) w[0]();
    }
  }
}

// A member whose connection is in the compiled generator.
class RemoteMember extends Member {
  constructor(gen, idx) {
    super(idx, 'pc');
    this.gen = gen;
    this.open = false;
    this.done = false;
  }

  connect(server) {
    return new Promise((resolve, reject) => {
      this.ready = [resolve, reject];
      this.gen.members.set(this.idx, this);
      const source = `127.0.0.${1 + (this.idx % SOURCES)}`;
      this.gen.write(`connect ${this.idx} ${server.host} ${server.port} ${PATH} ${source} ${server.fingerprint || '-'}`);
    });
  }

  onHello() {
    this.open = true;
    if (this.ready) {
      const resolve = this.ready[0];
      this.ready = null;
      resolve(this);
    }
  }

  onReply(raw, at) {
    stats.frames += 1;
    const m = ID_RE.exec(raw);
    this.settle(m ? Number(m[1]) : NaN, raw, at);
  }

  transmit(text) {
    if (!this.open) return false;
    this.gen.write(`send ${this.idx} ${text}`);
    return true;
  }

  setRoom(roomId, token) {
    super.setRoom(roomId, token);
    this.gen.write(`room ${this.idx} ${roomId} ${token}`);
  }

  sendChat() {
    throw new Error('the compiled generator sends the hot path itself (CompiledGenerator.load)');
  }

  finish(reason) {
    if (this.done) return;
    this.done = true;
    this.open = false;
    this.gen.members.delete(this.idx);
    this.onClose(null, reason);
  }

  close() {
    this.closing = true;
    this.gen.write(`close ${this.idx}`);
    this.finish('destroyed');
  }
}

module.exports = { CompiledGenerator, RemoteMember };
