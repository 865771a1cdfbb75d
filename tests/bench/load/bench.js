#!/usr/bin/env node
'use strict';
// The benchmark driver and load generator (one process, pinned to CPU 0 by tests/bench/run).
// It starts each server under test on CPU 1 (with the Redis that `run` started there), drives
// it through scenarios B0–B6, reads the servers' CPU and memory from /proc, and prints the
// figures, ending with
//   ratio vs bun: throughput X, cpu-per-msg Y, p99@10k Z, scaling W
//   ratio vs peer: throughput X, cpu-per-msg Y, p99@10k Z, scaling W

const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { performance } = require('perf_hooks');
const Redis = require('ioredis');
const { Member, stats, resetPhase, countError, drain } = require('./members');
const { cpuUs, children, killChildren } = require('./proc');
const { CompiledGenerator, RemoteMember } = require('./compiled-gen');

// ---- options -------------------------------------------------------------------------------

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i < 0 ? dflt : argv[i + 1];
};
const flag = (name) => argv.includes(`--${name}`);

// --smoke: the whole suite in a few minutes (a tenth of the members, 1 s phases, one round),
// to check the suite itself; its figures mean nothing.
const SMOKE = flag('smoke');
const QUICK = flag('quick') || SMOKE;
const HERE = path.resolve(__dirname, '..');
const REPO = path.resolve(HERE, '../..');
const HOST_BIN = opt('host-bin', path.join(REPO, 'build/server/privatechat-server'));
// Another build of the host (tests/bench/run's PC_BENCH_BASE_BIN, e.g. the last commit's) that
// runs in every round beside ours, with the same flags: `ratio vs ours-base:` is a change's effect.
const BASE_BIN = opt('base-bin', '');
const HOST_ORIGIN = opt('host-origin', HOST_BIN); // where the copy in HOST_BIN came from
const REDIS_SOCK = opt('redis-sock', null);
const REDIS_PID = Number(opt('redis-pid', 0));
const OUT = opt('out', path.join(HERE, 'results', new Date().toISOString().replace(/[:.]/g, '-')));
const SCALE = Number(opt('scale', SMOKE ? 0.1 : 1)); // < 1 only for smoke tests of the suite itself
const ONLY = opt('only', ''); // comma list of servers for smoke tests: ours,peer,bun,sio
const SKIP_B0 = flag('skip-b0');
const VARIANTS = opt('variants', ''); // force e.g. ours,ours-qt (testing the report)
const PROFILE = opt('profile', ''); // ours|ours-qt|peer|bun: perf profiles of the server instead of the benchmark
const PROFILE_MEMORY = opt('profile-memory', ''); // ours|ours-qt: valgrind massif heap profile at 1k idle members
const WSS = flag('wss'); // also each server with every member on wss:// (TLS 1.3, pinned), beside it on ws://
// The peers' certificate for wss:// (self-signed ECDSA P-256, made by tests/bench/run); the host
// makes its own.
const PEER_CERT = opt('peer-cert', '');
const PEER_KEY = opt('peer-key', '');
// The load generator of the 'pc' members: the compiled one (gen/loadgen.cpp, built by
// tests/bench/run) or this Node process (members.js). The Socket.IO reference always has Node's.
// B0's echo server is the compiled one (gen/echo_server.cpp) unless --echo node.
const GENERATOR = opt('generator', 'compiled');
const GEN_BIN = opt('gen-bin', '');
const ECHO = opt('echo', 'compiled');
const ECHO_BIN = opt('echo-bin', '');
if (!['compiled', 'node'].includes(GENERATOR) || !['compiled', 'node'].includes(ECHO)) {
  console.error('bench.js: --generator and --echo take compiled or node');
  process.exit(2);
}
if ((GENERATOR === 'compiled' && !GEN_BIN) || (ECHO === 'compiled' && !ECHO_BIN)) {
  console.error('bench.js: the compiled generator and echo server need --gen-bin and --echo-bin (tests/bench/run builds them)');
  process.exit(2);
}
if (!REDIS_SOCK || !REDIS_PID) {
  console.error('bench.js is started by tests/bench/run (it needs --redis-sock and --redis-pid)');
  process.exit(2);
}

const n = (x) => Math.max(2, Math.round((x * SCALE) / 2) * 2);
const C = {
  runs: Number(opt('runs', SMOKE ? 1 : 0)), // per server, alternating (0: 5, or 3 with --quick — 2 if two host variants)
  sioRuns: Number(opt('sio-runs', QUICK ? 1 : 3)),
  low: n(100),
  levels: [n(1000), n(5000), n(10000)],
  rate: 1000, // B4/B5 msg/s
  loadSecs: SMOKE ? 1 : QUICK ? 4 : 10,
  idleSecs: SMOKE ? 0.5 : QUICK ? 2 : 5,
  warmSecs: QUICK ? 0.5 : 1, // unmeasured lead-in at the same rate before B3's first step and B4/B5
  growWindow: 200, // pairs being set up at once while growing
  burst: n(10000),
  burstWindow: 1000, // members connecting + joining at once in B2
  b3Members: n(1000),
  b3Ref: 4000, // msg/s of B3's first step, where CPU-µs per message is compared
  b3Factor: 1.35,
  b3StepSecs: SMOKE ? 1 : QUICK ? 2 : 4,
  b3Bisect: SMOKE ? 1 : QUICK ? 2 : 3,
  b3Max: 400000, // above any server's maximum; the compiled generator's ceiling (B0) is near 200k
  p99Limit: 50000, // µs
  histRooms: 10,
  histFill: 1100,
  hist1000Rate: 50,
  hist50Rate: 500,
  histSecs: SMOKE ? 1 : QUICK ? 3 : 8,
  b0Requests: SMOKE ? 20000 : QUICK ? 100000 : 300000,
  rateLimit: 1000000, // --rate-burst and --rate-per-second for every server
  idleTimeout: 86400,
};
const TEXT_PAD = 'x'.repeat(40); // messages are ~64 characters of text

fs.mkdirSync(OUT, { recursive: true });
const reportLines = [];
function out(line = '') {
  reportLines.push(line);
  process.stdout.write(line + '\n');
}
function note(line) {
  const t = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[${t}] ${line}\n`);
}

// ---- /proc ---------------------------------------------------------------------------------

function rssKiB(pid) {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}
function usesEpoll(pid) {
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === 'anon_inode:[eventpoll]') return true;
    } catch {}
  }
  return false;
}
// CPU of the server, its Redis and the generator (this process and the compiled one, both on
// CPU 0) between two snapshots.
function snap(server) {
  return { t: performance.now(), host: cpuUs(server.pid), redis: cpuUs(REDIS_PID), gen: cpuUs(process.pid) + (gen ? cpuUs(gen.pid) : 0) };
}
function cpuSince(a, server) {
  const b = snap(server);
  const wall = (b.t - a.t) * 1000;
  return { wallUs: wall, hostUs: b.host - a.host, redisUs: b.redis - a.redis, genUs: b.gen - a.gen };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- servers -------------------------------------------------------------------------------

process.on('exit', killChildren);
for (const sig of ['SIGINT', 'SIGTERM'])
  process.on(sig, () => {
    console.error(`bench.js: stopped by ${sig}`);
    process.exit(130);
  });

// The servers under test: how each is started (argv and extra environment), its label in the
// report, the protocol its members speak, and its event loop where that is not read from /proc.
const BUN = path.join(HERE, 'node_modules/.bin/bun'); // npm's bun, pinned in package.json
function hostArgs() {
  const rl = String(C.rateLimit);
  return ['--listen', '127.0.0.1:0', '--redis', `unix://${REDIS_SOCK}`, '--rate-burst', rl,
    '--rate-per-second', rl, '--idle-timeout', String(C.idleTimeout),
    // 10k members from one loopback address, rooms created in bursts: the load is one client
    '--max-connections-per-address', '0', '--room-burst', rl, '--rooms-per-minute', rl,
    '--room-burst-per-address', rl, '--rooms-per-minute-per-address', rl, '--max-rooms', rl];
}
function peerArgs() {
  const rl = String(C.rateLimit);
  return ['--listen', '127.0.0.1:0', '--redis', REDIS_SOCK, '--rate-burst', rl, '--rate-per-second', rl,
    '--idle-timeout', String(C.idleTimeout)];
}
function peerTlsArgs() {
  if (!PEER_CERT || !PEER_KEY) throw new Error('the peers over wss:// need --peer-cert and --peer-key (tests/bench/run makes them)');
  return ['--tls-cert', PEER_CERT, '--tls-key', PEER_KEY];
}
const KINDS = {
  ours: { label: 'ours (Qt host)', proto: 'pc', argv: () => [HOST_BIN, ...hostArgs()] },
  'ours-base': { label: 'ours, baseline build', proto: 'pc', argv: () => [BASE_BIN, ...hostArgs()] },
  'ours-qt': { label: 'ours, PC_EVENT_DISPATCHER=qt', proto: 'pc', argv: () => [HOST_BIN, ...hostArgs()], env: { PC_EVENT_DISPATCHER: 'qt' } },
  // The same host and flags: it serves wss:// and, from loopback, plain ws:// on one port; here
  // the members speak TLS, pinned to the fingerprint the host prints.
  'ours-wss': { label: 'ours over wss://', proto: 'pc', tls: true, argv: () => [HOST_BIN, ...hostArgs()] },
  peer: { label: 'peer (Node ws+ioredis)', proto: 'pc', loop: 'libuv (epoll)',
    argv: () => [process.execPath, path.join(HERE, 'peer/server.js'), ...peerArgs()] },
  // The peers over wss:// (Node's https under ws; Bun.serve's own TLS): same limits and code,
  // only the transport differs. They print their pin as the host does.
  'peer-wss': { label: 'peer over wss://', proto: 'pc', tls: true, loop: 'libuv (epoll)',
    argv: () => [process.execPath, path.join(HERE, 'peer/server.js'), ...peerArgs(), ...peerTlsArgs()] },
  bun: { label: 'Bun peer (Bun.serve+RedisClient)', proto: 'pc', loop: 'uSockets (epoll)',
    argv: () => [BUN, path.join(HERE, 'peer/server.bun.js'), ...peerArgs()] },
  'bun-wss': { label: 'Bun peer over wss://', proto: 'pc', tls: true, loop: 'uSockets (epoll)',
    argv: () => [BUN, path.join(HERE, 'peer/server.bun.js'), ...peerArgs(), ...peerTlsArgs()] },
  sio: { label: 'Socket.IO+redis-adapter', proto: 'sio', loop: 'libuv (epoll)',
    argv: () => [process.execPath, path.join(HERE, 'peer/socketio.js'), '--listen', '127.0.0.1:0', '--redis', REDIS_SOCK] },
  echo: { label: 'echo (B0)', proto: 'pc', argv: () => (ECHO === 'compiled' ? [ECHO_BIN] : [process.execPath, path.join(HERE, 'load/echo-server.js')]) },
};
// The peers each host variant is compared with, in the order they run after it in every round.
// Each gets a ratio line, `ratio vs <kind>:`; the Node peer's, first here, is printed last (other
// tooling reads the last line).
const REFERENCES = BASE_BIN ? ['peer', 'bun', 'ours-base'] : ['peer', 'bun'];
// With --wss each of these runs right after its ws:// twin, in the same round.
const OVER_WSS = { ours: 'ours-wss', peer: 'peer-wss', bun: 'bun-wss' };
const wssTwin = (k) => Object.keys(OVER_WSS).find((b) => OVER_WSS[b] === k);

function startServer(kind, wrap = []) {
  const cmd = KINDS[kind].argv();
  const env = { ...process.env, ...KINDS[kind].env };
  const log = fs.openSync(path.join(OUT, `${kind}.log`), 'a');
  const child = spawn('taskset', ['-c', '1', ...wrap, ...cmd], { stdio: ['ignore', 'pipe', log], env });
  children.add(child);
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`${kind} did not start; see ${OUT}/${kind}.log`)), wrap.length ? 120000 : 20000);
    child.on('exit', (code) => {
      children.delete(child);
      clearTimeout(timer);
      reject(new Error(`${kind} exited (${code}) before listening; see ${OUT}/${kind}.log`));
    });
    child.stdout.on('data', (d) => {
      text += d;
      fs.appendFileSync(path.join(OUT, `${kind}.log`), d);
      const m = /listening on wss?:\/\/([\d.]+):(\d+)/.exec(text); // ours: wss, plain from loopback too
      const fp = /^fingerprint: (\S+)$/m.exec(text); // ours prints it on the next line
      if (m && (fp || !KINDS[kind].tls)) {
        clearTimeout(timer);
        const tcp = /tcp echo on (\d+)/.exec(text);
        child.stdout.removeAllListeners('data');
        child.stdout.resume();
        resolve({ kind, child, pid: child.pid, host: m[1], port: Number(m[2]), tcpPort: tcp ? Number(tcp[1]) : 0,
          fingerprint: KINDS[kind].tls ? fp[1] : undefined });
      }
    });
  });
}

async function stopServer(server, patienceMs = 3000) {
  const exited = new Promise((r) => (server.child.exitCode !== null ? r() : server.child.once('exit', r)));
  try {
    process.kill(server.pid, 'SIGTERM');
  } catch {}
  const t = setTimeout(() => {
    try {
      process.kill(server.pid, 'SIGKILL');
    } catch {}
  }, patienceMs);
  await exited;
  clearTimeout(t);
  children.delete(server.child);
}

// ---- members -------------------------------------------------------------------------------

let memberSeq = 0;
let gen = null; // the compiled generator's process, once started

function newMember(idx, proto) {
  if (GENERATOR !== 'compiled' || proto !== 'pc') return new Member(idx, proto);
  if (!gen) gen = new CompiledGenerator(GEN_BIN);
  return gen.member(idx);
}
const inGen = (pairs) => pairs.length > 0 && pairs[0].a instanceof RemoteMember;
// members.js' drain, or the same in the compiled generator for its members.
const drainPairs = (pairs, ...args) => (inGen(pairs) ? gen.drain(...args) : drain(...args));

async function withTimeout(p, ms, what) {
  let t;
  const timeout = new Promise((_, rej) => (t = setTimeout(() => rej(new Error(what)), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(t);
  }
}

// Two members in a new room of 2: connect, create, join, subscribe.
async function setupPair(server, proto) {
  const a = newMember(memberSeq++, proto);
  const b = newMember(memberSeq++, proto);
  try {
    await withTimeout(
      (async () => {
        await Promise.all([a.connect(server), b.connect(server)]);
        const created = await a.call(proto === 'pc' ? 'room.create' : 'create', { ttl: 3600, maxParticipants: 2 });
        const roomId = created.roomId;
        const [ja, jb] = await Promise.all([
          a.call(proto === 'pc' ? 'room.join' : 'join', { roomId, name: `m${a.idx}` }),
          b.call(proto === 'pc' ? 'room.join' : 'join', { roomId, name: `m${b.idx}` }),
        ]);
        a.setRoom(roomId, ja.token);
        b.setRoom(roomId, jb.token);
        if (proto === 'pc')
          await Promise.all([
            a.call('subscribe', { channel: roomId, token: ja.token }),
            b.call('subscribe', { channel: roomId, token: jb.token }),
          ]);
      })(),
      30000,
      'setup-timeout',
    );
    return { a, b };
  } catch (e) {
    countError(`setup:${e.message}`);
    a.close();
    b.close();
    return null;
  }
}

// Grow `pairs` to `members` members, `window` pairs at a time. Returns seconds taken and failures.
async function grow(server, proto, pairs, members, window) {
  const want = Math.max(0, Math.round(members / 2) - pairs.length);
  let next = 0;
  let failed = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < want) {
      next += 1;
      const p = await setupPair(server, proto);
      if (p) pairs.push(p);
      else failed += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, want) }, worker));
  return { secs: (performance.now() - t0) / 1000, pairs: want, failed };
}

function closePairs(pairs) {
  for (const p of pairs) {
    p.a.close();
    p.b.close();
  }
}

// ---- load ----------------------------------------------------------------------------------

function percentile(sorted, count, q) {
  if (count === 0) return NaN;
  return sorted[Math.min(count - 1, Math.max(0, Math.ceil(q * count) - 1))];
}

// The Node generator's hot path: message k of `total` is due at t0 + k / rate (t0 2 ms from
// now), sent by pairs[k % np], its a or b member alternating per round. The compiled generator
// does the same (gen/loadgen.cpp, sendDue).
function sendOnSchedule(pairs, phase, rate, total) {
  const np = pairs.length;
  const t0 = performance.now() + 2;
  let k = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
      while (k < due) {
        const sched = t0 + (k * 1000) / rate;
        const pair = pairs[k % np];
        const m = Math.floor(k / np) & 1 ? pair.b : pair.a;
        if (!m.sendChat(`~B${phase}~${Math.round(sched * 1000)}~${m.idx}~${TEXT_PAD}`)) countError('send-on-closed');
        k += 1;
      }
      if (k >= total) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, 1);
  });
}

// Send at a fixed rate for `secs`, round robin over the rooms, alternating the sender in each
// room; measure send → other member latency and the CPU of server, Redis and generator.
async function runLoad(server, pairs, rate, secs, warmSecs = 0) {
  if (warmSecs > 0) await runLoad(server, pairs, rate, warmSecs); // not measured
  const phase = resetPhase();
  const total = Math.max(1, Math.round(rate * secs));
  const np = pairs.length;
  const compiled = inGen(pairs);
  const before = snap(server);
  await (compiled ? gen.load(pairs, phase, rate, total) : sendOnSchedule(pairs, phase, rate, total));
  const sendCpu = cpuSince(before, server); // the sending window only (generator load)
  await drainPairs(pairs, total);
  const cpu = cpuSince(before, server);
  if (compiled) await gen.collect();
  const count = stats.nLat;
  const lat = stats.lat.subarray(0, count).sort();
  const lost = total - stats.delivered;
  // Undelivered messages count as infinitely late.
  const q = (x) => {
    const rank = Math.ceil(x * total);
    return rank > count ? Infinity : percentile(lat, count, rank / count);
  };
  return {
    rate,
    secs,
    members: np * 2,
    sent: total,
    delivered: stats.delivered,
    deliveredPerSec: stats.delivered / secs,
    lost,
    sendErrors: stats.sendErr,
    errors: { ...stats.errors },
    p50: q(0.5),
    p99: q(0.99),
    p999: q(0.999),
    max: count ? lat[count - 1] : NaN,
    hostUsPerMsg: cpu.hostUs / total,
    redisUsPerMsg: cpu.redisUs / total,
    genLoad: sendCpu.genUs / sendCpu.wallUs, // fraction of one core while sending
    genUsPerMsg: cpu.genUs / total,
    hostLoad: sendCpu.hostUs / sendCpu.wallUs,
    redisLoad: sendCpu.redisUs / sendCpu.wallUs,
  };
}

function passes(r) {
  return r.p99 < C.p99Limit && r.lost <= r.sent * 0.001 && r.sendErrors === 0;
}

// B3: the highest delivered msg/s with p99 < 50 ms. Geometric ramp, then bisection.
async function saturate(server, pairs, label) {
  const steps = [];
  const step = async (rate, secs = C.b3StepSecs, warm = 0) => {
    const r = await runLoad(server, pairs, rate, secs, warm);
    r.pass = passes(r);
    steps.push(r);
    note(`  ${label} B3 ${rate} msg/s: delivered ${r.deliveredPerSec.toFixed(0)}/s p99 ${fmtMs(r.p99)} ` +
      `lost ${r.lost} err ${r.sendErrors} host ${pct(r.hostLoad)} redis ${pct(r.redisLoad)} gen ${pct(r.genLoad)} ${r.pass ? 'pass' : 'FAIL'}`);
    await drainPairs(pairs, Infinity, 300, 20000); // let a failed step's backlog go before the next
    await sleep(200);
    return r;
  };
  const ref = await step(C.b3Ref, C.loadSecs, C.warmSecs);
  let best = ref.pass ? ref : null;
  let fail = ref.pass ? null : ref;
  if (best) {
    for (let rate = Math.round(C.b3Ref * C.b3Factor); rate <= C.b3Max; rate = Math.round(rate * C.b3Factor)) {
      const r = await step(rate);
      if (r.pass) best = r;
      else {
        fail = r;
        break;
      }
    }
  } else {
    for (let rate = Math.round(C.b3Ref / 1.5); rate >= 100; rate = Math.round(rate / 1.5)) {
      const r = await step(rate);
      if (r.pass) {
        best = r;
        break;
      }
      fail = r;
    }
  }
  if (best && fail) {
    for (let i = 0; i < C.b3Bisect; i += 1) {
      const rate = Math.round((best.rate + fail.rate) / 2);
      if (rate === best.rate || rate === fail.rate) break;
      const r = await step(rate);
      if (r.pass) best = r;
      else fail = r;
    }
  }
  return { ref, best, fail, steps, genBound: best ? best.genLoad > 0.9 : false };
}

// B6: messages.list of the last `limit` messages at a fixed request rate.
async function historyPhase(server, pairs, lastSeqs, limit, rate, secs) {
  const members = pairs.flatMap((p) => [p.a, p.b]);
  const total = Math.round(rate * secs);
  const lat = new Float64Array(total);
  let got = 0;
  let bad = 0;
  let checked = false;
  const before = snap(server);
  const t0 = performance.now() + 2;
  let k = 0;
  const done = new Promise((resolve) => {
    const finish = () => {
      if (++got === total) resolve();
    };
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
      while (k < due) {
        const sched = t0 + (k * 1000) / rate;
        const m = members[k % members.length];
        const i = k;
        k += 1;
        m.requestTimed('messages.list', { roomId: m.roomId, token: m.token, after: lastSeqs.get(m.roomId) - limit, limit })
          .then(({ raw, at }) => {
            lat[i] = at * 1000 - sched * 1000;
            if (raw.indexOf('"ok":true') < 0) bad += 1;
            else if (!checked) {
              checked = true;
              const got = JSON.parse(raw).data.messages.length;
              if (got !== limit) {
                note(`  history reply had ${got} messages, not ${limit}`);
                bad += 1;
              }
            }
            finish();
          })
          .catch(() => {
            lat[i] = Infinity;
            bad += 1;
            finish();
          });
      }
      if (k >= total) clearInterval(timer);
    }, 1);
  });
  await withTimeout(done, secs * 1000 + 30000, 'history-timeout').catch(() => countError('history-timeout'));
  const cpu = cpuSince(before, server);
  lat.sort();
  return {
    limit,
    rate,
    requests: total,
    errors: bad + (total - got),
    p50: percentile(lat, total, 0.5),
    p99: percentile(lat, total, 0.99),
    hostUsPerReq: cpu.hostUs / total,
    redisUsPerReq: cpu.redisUs / total,
  };
}

// ---- redis ---------------------------------------------------------------------------------

const redis = new Redis({ path: REDIS_SOCK, lazyConnect: false });
async function freshRedis() {
  await redis.flushall();
}

function redisBenchmark(args) {
  const txt = execFileSync('taskset', ['-c', '0', 'redis-benchmark', '-s', REDIS_SOCK, '-c', '50', '-n',
    String(C.b0Requests), '-q', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const m = /([\d.]+) requests per second/.exec(txt.split('\r').pop());
  return m ? Number(m[1]) : NaN;
}

// ---- scenarios ------------------------------------------------------------------------------

function idleSample(server, secs) {
  return (async () => {
    await sleep(500); // let the last setup work finish
    const before = snap(server);
    await sleep(secs * 1000);
    const cpu = cpuSince(before, server);
    return { hostIdleLoad: cpu.hostUs / cpu.wallUs, redisIdleLoad: cpu.redisUs / cpu.wallUs, rssKiB: rssKiB(server.pid), redisRssKiB: rssKiB(REDIS_PID) };
  })();
}

// Lifecycle A: grow 0 → 100 → 1k → 5k → 10k members; B1 idle at each level, B4 latency at 1k
// and 10k, B5 CPU per message at 100 and 10k (both at 1k msg/s).
async function lifecycleGrow(kind, r) {
  const proto = KINDS[kind].proto;
  await freshRedis();
  const server = await startServer(kind);
  r.dispatcher = KINDS[kind].loop || (usesEpoll(server.pid) ? 'epoll' : 'Qt default (poll)');
  await sleep(300);
  r.rss0 = rssKiB(server.pid);
  const pairs = [];
  try {
    await grow(server, proto, pairs, C.low, C.growWindow);
    r.b5low = await runLoad(server, pairs, C.rate, C.loadSecs, C.warmSecs);
    note(`  ${kind} B5 @${pairs.length * 2}: host ${r.b5low.hostUsPerMsg.toFixed(1)} µs/msg p99 ${fmtMs(r.b5low.p99)}`);
    r.b1 = [];
    for (const level of C.levels) {
      const g = await grow(server, proto, pairs, level, C.growWindow);
      const idle = await idleSample(server, C.idleSecs);
      r.b1.push({ members: pairs.length * 2, growSecs: g.secs, failed: g.failed, ...idle,
        rssPerMemberKiB: (idle.rssKiB - r.rss0) / (pairs.length * 2) });
      note(`  ${kind} B1 @${pairs.length * 2}: rss ${(idle.rssKiB / 1024).toFixed(1)} MiB, idle host ${pct(idle.hostIdleLoad)}`);
      if (level === C.levels[0]) {
        r.b4_1k = await runLoad(server, pairs, C.rate, C.loadSecs, C.warmSecs);
        note(`  ${kind} B4 @${pairs.length * 2}: p50 ${fmtMs(r.b4_1k.p50)} p99 ${fmtMs(r.b4_1k.p99)}`);
        if (kind === 'sio') r.b3 = await saturate(server, pairs, kind);
      }
    }
    r.b4_10k = await runLoad(server, pairs, C.rate, C.loadSecs, C.warmSecs);
    note(`  ${kind} B4 @${pairs.length * 2}: p50 ${fmtMs(r.b4_10k.p50)} p99 ${fmtMs(r.b4_10k.p99)} host ${r.b4_10k.hostUsPerMsg.toFixed(1)} µs/msg`);
    r.scaling = r.b4_10k.hostUsPerMsg / r.b5low.hostUsPerMsg;
  } finally {
    closePairs(pairs);
    await stopServer(server);
  }
}

// Lifecycle B: B2 burst of 10k connect + join + subscribe on a fresh server; then down to 1k
// members for B6 history and B3 saturation.
async function lifecycleBurst(kind, r) {
  const proto = KINDS[kind].proto;
  await freshRedis();
  const server = await startServer(kind);
  const pairs = [];
  try {
    resetPhase();
    const before = snap(server);
    const g = await grow(server, proto, pairs, C.burst, C.burstWindow / 2);
    const cpu = cpuSince(before, server);
    const errors = Object.values(stats.errors).reduce((a, b) => a + b, 0);
    r.b2 = { members: pairs.length * 2, secs: g.secs, joinsPerSec: (pairs.length * 2) / g.secs, failedMembers: g.failed * 2,
      errors, errorKinds: { ...stats.errors }, hostCpuSecs: cpu.hostUs / 1e6, redisCpuSecs: cpu.redisUs / 1e6 };
    note(`  ${kind} B2: ${r.b2.members} in ${g.secs.toFixed(2)} s (${r.b2.joinsPerSec.toFixed(0)}/s), errors ${errors}`);
    const keep = Math.round(C.b3Members / 2);
    closePairs(pairs.splice(keep));
    await sleep(1500);

    // B6: fill 10 rooms past the 1,000 kept, then fetch the last 1,000 and the last 50.
    const rooms = pairs.slice(0, C.histRooms);
    await runLoad(server, rooms, 5000, (C.histFill * rooms.length) / 5000);
    const lastSeqs = new Map();
    for (const p of rooms) lastSeqs.set(p.a.roomId, (await p.a.call('room.info', { roomId: p.a.roomId, token: p.a.token })).lastSeq);
    r.b6 = [
      await historyPhase(server, rooms, lastSeqs, 1000, C.hist1000Rate, C.histSecs),
      await historyPhase(server, rooms, lastSeqs, 50, C.hist50Rate, C.histSecs),
    ];
    note(`  ${kind} B6: last 1000 p50 ${fmtMs(r.b6[0].p50)}, last 50 p50 ${fmtMs(r.b6[1].p50)}`);
    r.b3 = await saturate(server, pairs, kind);
  } finally {
    closePairs(pairs);
    await stopServer(server);
  }
}

async function runServer(kind, i) {
  note(`${KINDS[kind].label}: run ${i + 1}`);
  const r = { kind, run: i + 1 };
  const t0 = performance.now();
  const closes0 = stats.unexpectedCloses;
  await lifecycleGrow(kind, r);
  if (kind !== 'sio') await lifecycleBurst(kind, r);
  r.secs = (performance.now() - t0) / 1000;
  r.unexpectedCloses = stats.unexpectedCloses - closes0; // closed by the server, not by us
  await sleep(500);
  return r;
}

async function b0() {
  note('B0 calibration');
  const r = {};
  const echo = await startServer('echo');
  try {
    // Loopback round trip: 16 bytes ping-pong over TCP, Node (CPU 0) ↔ Node (CPU 1).
    const rtts = [];
    await new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port: echo.tcpPort });
      s.setNoDelay(true);
      const payload = Buffer.alloc(16, 1);
      let t;
      let got = 0;
      const go = () => {
        t = performance.now();
        s.write(payload);
      };
      s.on('connect', go);
      s.on('data', (d) => {
        got += d.length;
        if (got < 16) return;
        got = 0;
        rtts.push((performance.now() - t) * 1000);
        if (rtts.length === 2000) {
          s.destroy();
          resolve();
        } else go();
      });
      s.on('error', reject);
    });
    rtts.sort((a, b) => a - b);
    r.rtt = { p50: rtts[1000], p99: rtts[1980] };

    // The generator's own ceiling: the B3 ramp against the trivial echo server.
    const pairs = [];
    await grow(echo, 'pc', pairs, C.b3Members, C.growWindow);
    r.generator = await saturate(echo, pairs, 'echo');
    closePairs(pairs);
  } finally {
    await stopServer(echo);
  }

  // Redis: PUBLISH, and each send script's own ceiling (EVALSHA in a loop, 50 clients).
  await freshRedis();
  r.publish = redisBenchmark(['PUBLISH', 'bench:{r}', 'x'.repeat(200)]);
  const now = Date.now();
  const roomId = 'benchbenchbenchbench0';
  const k = { meta: `meta:{${roomId}}`, members: `members:{${roomId}}`, messages: `messages:{${roomId}}`, dedup: `dedup:{${roomId}}` };
  const hash = 'a'.repeat(64);
  // As the host's create script leaves a room (dedup 0: no clientMsgId yet); the peers' scripts read none of it.
  await redis.hset(k.meta, 'expiresAt', now + 3600e3, 'maxParticipants', 2, 'seq', 0, 'joins', 1, 'dedup', 0);
  await redis.hset(k.members, hash, JSON.stringify({ p: 'participant01', n: 'bench', j: 1 }));
  const lua = (f) => fs.readFileSync(f, 'utf8');
  const text = `~B0~0~0~${TEXT_PAD}`;
  // Ours: the send script as the measured host's build generated it (its KEYS and ARGV by name).
  const values = { ...k, now: String(now), tokenHash: hash, messageId: 'msgid0123456789a', text, clientMsgId: '', ciphertext: '',
    channel: `room:{${roomId}}`, history: '1000', roomId };
  try {
    const ours = lua(hostGeneratedFile('lua/send.lua'));
    // `local K = { meta = KEYS[1], ... }` and `local A = { now = ARGV[1], ... }`
    const named = (table, of) => {
      const line = (new RegExp(`^local ${table} = \\{(.*)\\}$`, 'm').exec(ours) || [])[1] || '';
      return [...line.matchAll(new RegExp(`(\\w+) = ${of}\\[(\\d+)\\]`, 'g'))].sort((a, b) => a[2] - b[2]).map(([, name]) => {
        if (!(name in values)) throw new Error(`the host's send script takes ${name}, which B0 does not know`);
        return values[name];
      });
    };
    const keys = named('K', 'KEYS');
    const oursSha = await redis.script('LOAD', ours);
    r.sendScriptOurs = redisBenchmark(['EVALSHA', oursSha, String(keys.length), ...keys, ...named('A', 'ARGV')]);
  } catch (e) {
    note(`  B0: the host's send script not measured: ${String(e.message).split('\n')[0]}`);
    r.sendScriptOurs = NaN;
  }
  const peerSha = await redis.script('LOAD', lua(path.join(HERE, 'peer/lua/send.lua')));
  r.sendScriptPeer = redisBenchmark(['EVALSHA', peerSha, '4', k.meta, k.members, k.messages, k.dedup, String(now), hash,
    'msgid0123456789a', text, '', `room:{${roomId}}`, roomId, '1000']);
  await freshRedis();
  return r;
}

// ---- report --------------------------------------------------------------------------------

const median = (xs) => {
  const v = xs.filter((x) => x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const fmtMs = (us) => (us === Infinity ? '∞' : Number.isNaN(us) ? 'n/a' : `${(us / 1000).toFixed(us < 10000 ? 2 : 1)} ms`);
const pct = (x) => `${(x * 100).toFixed(1)}%`;
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : String(x));
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : String(x));
const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : String(x));

function table(title, header, rows) {
  out(title);
  const all = [header, ...rows];
  const w = header.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  for (const row of all) out('  ' + row.map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('  '));
  out();
}

function printB0(b0r) {
  out('B0 calibration');
  out(`  loopback TCP round trip (Node↔${ECHO === 'compiled' ? 'C++' : 'Node'}, CPU 0↔1): p50 ${f1(b0r.rtt.p50)} µs, p99 ${f1(b0r.rtt.p99)} µs`);
  out(`  redis-benchmark PUBLISH (50 clients, 200 B): ${f0(b0r.publish)} /s`);
  out(`  send script via EVALSHA loop (50 clients): ours ${f0(b0r.sendScriptOurs)} /s, the peers' ${f0(b0r.sendScriptPeer)} /s`);
  const g = b0r.generator;
  out(`  load generator (${GENERATOR}) ceiling vs trivial echo server (${ECHO}) (${C.b3Members} members): ${g.best ? f0(g.best.deliveredPerSec) : 'n/a'} delivered msg/s with p99 < 50 ms` +
    (g.best ? ` (generator ${pct(g.best.genLoad)} of CPU 0, echo server ${pct(g.best.hostLoad)} of CPU 1` : '') +
    (g.fail ? `; at ${g.fail.rate}/s: p99 ${fmtMs(g.fail.p99)}, generator ${pct(g.fail.genLoad)})` : ')'));
  // What its CPU alone would carry: when the echo server or the machine's stalls end the ramp
  // first, the line above is a lower bound of the generator's ceiling.
  if (g.best) out(`  generator CPU per delivered message there: ${f1(g.best.genUsPerMsg)} µs (one core's worth: ${f0(1e6 / g.best.genUsPerMsg)} msg/s)`);
  out(`  generator floor at ${C.b3Ref} msg/s vs echo: p50 ${fmtMs(g.ref.p50)} p99 ${fmtMs(g.ref.p99)}`);
  out();
}

function summarize(results, b0r, variants, elapsedSecs) {
  const get = (kind, fn) => median(results[kind].map((r) => { try { return fn(r); } catch { return NaN; } }));
  // ours ÷ a peer, per round (the runs of one round are neighbours), median over the rounds
  const ratio = (kind, fn, ref) => {
    const peers = results[ref];
    return median(results[kind].map((r, i) => {
      try {
        return fn(r) / fn(peers[i]);
      } catch {
        return NaN;
      }
    }));
  };
  const kinds = Object.keys(results).filter((k) => results[k].length);
  const lbl = (k) => `${KINDS[k].label}${results[k][0] && results[k][0].dispatcher ? ` [${results[k][0].dispatcher}]` : ''}`;

  if (b0r) printB0(b0r);

  table(`B1 idle capacity (medians; RSS/member = (RSS − RSS at start) ÷ members)`,
    ['server', 'members', 'RSS MiB', 'KiB/member', 'idle host CPU', 'idle Redis CPU', 'grow s'],
    kinds.filter((k) => k !== 'sio').flatMap((k) => C.levels.map((_, li) => [lbl(k), get(k, (r) => r.b1[li].members),
      f1(get(k, (r) => r.b1[li].rssKiB) / 1024), f1(get(k, (r) => r.b1[li].rssPerMemberKiB)),
      pct(get(k, (r) => r.b1[li].hostIdleLoad)), pct(get(k, (r) => r.b1[li].redisIdleLoad)), f2(get(k, (r) => r.b1[li].growSecs))])));

  table(`B2 burst: ${C.burst} members connect + join + subscribe, ${C.burstWindow} in flight (medians)`,
    ['server', 'seconds', 'joins/s', 'errors', 'host CPU s', 'Redis CPU s'],
    kinds.filter((k) => k !== 'sio').map((k) => [lbl(k), f2(get(k, (r) => r.b2.secs)), f0(get(k, (r) => r.b2.joinsPerSec)),
      f0(get(k, (r) => r.b2.errors)), f2(get(k, (r) => r.b2.hostCpuSecs)), f2(get(k, (r) => r.b2.redisCpuSecs))]));

  table(`B3 saturation at ${C.b3Members} members (medians): highest delivered msg/s with p99 < 50 ms; CPU-µs/msg at ${C.b3Ref} msg/s and at that highest rate`,
    ['server', 'max msg/s', 'p99 there', 'host µs/msg@ref', 'Redis µs/msg@ref', 'host µs/msg@max', 'Redis µs/msg@max', 'gen CPU@max'],
    kinds.map((k) => [lbl(k), f0(get(k, (r) => r.b3.best.deliveredPerSec)), fmtMs(get(k, (r) => r.b3.best.p99)),
      f1(get(k, (r) => r.b3.ref.hostUsPerMsg)), f1(get(k, (r) => r.b3.ref.redisUsPerMsg)),
      f1(get(k, (r) => r.b3.best.hostUsPerMsg)), f1(get(k, (r) => r.b3.best.redisUsPerMsg)), pct(get(k, (r) => r.b3.best.genLoad))]));

  table(`B4 send → other member latency at ${C.rate} msg/s (medians)`,
    ['server', 'members', 'p50', 'p99', 'p99.9', 'lost', 'host CPU'],
    kinds.flatMap((k) => [['b4_1k', C.levels[0]], ['b4_10k', C.levels[2]]].map(([f, m]) => [lbl(k), m,
      fmtMs(get(k, (r) => r[f].p50)), fmtMs(get(k, (r) => r[f].p99)), fmtMs(get(k, (r) => r[f].p999)),
      f0(get(k, (r) => r[f].lost)), pct(get(k, (r) => r[f].hostLoad))])));

  table(`B5 scaling: host CPU-µs per message at ${C.rate} msg/s, ${C.levels[2]} vs ${C.low} members (medians)`,
    ['server', `µs/msg @${C.low}`, `µs/msg @${C.levels[2]}`, 'scaling'],
    kinds.map((k) => [lbl(k), f1(get(k, (r) => r.b5low.hostUsPerMsg)), f1(get(k, (r) => r.b4_10k.hostUsPerMsg)), f2(get(k, (r) => r.scaling))]));

  table(`B6 history: messages.list at fixed rates, ${C.histRooms} rooms with ≥ 1,000 messages, ${C.b3Members} members connected (medians)`,
    ['server', 'fetch', 'req/s', 'p50', 'p99', 'host µs/req', 'Redis µs/req', 'errors'],
    kinds.filter((k) => k !== 'sio').flatMap((k) => [0, 1].map((i) => [lbl(k), `last ${i ? 50 : 1000}`, i ? C.hist50Rate : C.hist1000Rate,
      fmtMs(get(k, (r) => r.b6[i].p50)), fmtMs(get(k, (r) => r.b6[i].p99)), f1(get(k, (r) => r.b6[i].hostUsPerReq)),
      f1(get(k, (r) => r.b6[i].redisUsPerReq)), f0(get(k, (r) => r.b6[i].errors))])));

  const ratiosVs = {};
  for (const ref of REFERENCES) {
    ratiosVs[ref] = {};
    for (const k of variants) {
      if (!results[ref].length || !results[k].length) continue;
      ratiosVs[ref][k] = {
        throughput: ratio(k, (r) => r.b3.best.deliveredPerSec, ref),
        cpuPerMsg: ratio(k, (r) => r.b3.ref.hostUsPerMsg, ref),
        cpuPerMsgWithRedis: ratio(k, (r) => r.b3.ref.hostUsPerMsg + r.b3.ref.redisUsPerMsg, ref),
        p99at10k: ratio(k, (r) => r.b4_10k.p99, ref),
        scaling: get(k, (r) => r.scaling),
        rssPerMember: get(k, (r) => r.b1[2].rssPerMemberKiB),
        hist1000p50: ratio(k, (r) => r.b6[0].p50, ref),
        hist50p50: ratio(k, (r) => r.b6[1].p50, ref),
        hist1000Cpu: ratio(k, (r) => r.b6[0].hostUsPerReq, ref),
        hist50Cpu: ratio(k, (r) => r.b6[1].hostUsPerReq, ref),
      };
    }
  }
  const ratios = ratiosVs.peer; // issue 6's targets are against the Node peer
  const mark = (ok) => (ok ? 'met' : 'NOT met');
  for (const k of variants) {
    const q = ratios[k];
    if (!q) continue;
    out(`Targets — ${lbl(k)} (median over ${results[k].length} alternating pairs of per-pair ratios ours/peer):`);
    const line = (what, value, ok, extra = '') => out(`  ${what.padEnd(44)} ${value.padEnd(26)} ${mark(ok)}${extra}`);
    line('throughput ≥ 1.5× peer', `${f2(q.throughput)}×`, q.throughput >= 1.5);
    line('CPU-µs/msg ≤ 0.7× peer (host only)', `${f2(q.cpuPerMsg)}×`, q.cpuPerMsg <= 0.7, `   (host + Redis: ${f2(q.cpuPerMsgWithRedis)}×)`);
    line(`p99 at ${C.levels[2]} members ≤ 1.0× peer`, `${f2(q.p99at10k)}×`, q.p99at10k <= 1.0);
    line(`scaling (µs/msg at ${C.levels[2]} ÷ at ${C.low}) ≤ 2.0`, f2(q.scaling), q.scaling <= 2.0);
    line(`RSS per idle member at ${C.levels[2]} ≤ 16 KiB`, `${f1(q.rssPerMember)} KiB`, q.rssPerMember <= 16);
    line('history fetch p50 ≤ 1.0× peer', `1000: ${f2(q.hist1000p50)}×, 50: ${f2(q.hist50p50)}×`, q.hist1000p50 <= 1 && q.hist50p50 <= 1,
      `   (host CPU per fetch: ${f2(q.hist1000Cpu)}×, ${f2(q.hist50Cpu)}×)`);
    out();
  }
  if (results['ours-wss'].length && results.ours.length) {
    // ours over wss ÷ ours over ws, per round (neighbouring runs), median over the rounds
    const q = (fn) => ratio('ours-wss', fn, 'ours');
    const both = (fn, fmt) => `${fmt(get('ours', fn))} → ${fmt(get('ours-wss', fn))}`;
    const refUs = (r) => r.b3.ref.hostUsPerMsg;
    const maxUs = (r) => r.b3.best.hostUsPerMsg;
    const rss = (r) => r.b1[2].rssPerMemberKiB;
    out(`TLS — ours over wss:// vs ours over ws:// (median over ${results['ours-wss'].length} alternating pairs of per-pair ratios wss/ws):`);
    out(`  host CPU-µs/msg at ${C.b3Ref} msg/s        ${both(refUs, f1)} µs   ${f2(q(refUs))}×   (+${f1(get('ours-wss', refUs) - get('ours', refUs))} µs per message for TLS)`);
    out(`  host CPU-µs/msg at the maximum        ${both(maxUs, f1)} µs   ${f2(q(maxUs))}×`);
    out(`  throughput (max msg/s, p99 < 50 ms)   ${both((r) => r.b3.best.deliveredPerSec, f0)}   ${f2(q((r) => r.b3.best.deliveredPerSec))}×`);
    out(`  p99 at ${C.levels[2]} members, ${C.rate} msg/s   ${both((r) => r.b4_10k.p99, fmtMs)}   ${f2(q((r) => r.b4_10k.p99))}×`);
    out(`  RSS per idle member at ${C.levels[2]}         ${both(rss, f1)} KiB   ${f2(q(rss))}×`);
    out(`  ${C.burst} members connect + join (B2)      ${both((r) => r.b2.secs, f2)} s   ${f2(q((r) => r.b2.secs))}×`);
    out();
  }
  tlsSummary(results, get, ratio);
  out(`connections the servers closed unexpectedly, per run: ${kinds.map((k) => `${k} ${results[k].map((r) => r.unexpectedCloses).join('/')}`).join(', ')}`);
  out(`elapsed ${f0(elapsedSecs)} s; raw results in ${path.relative(process.cwd(), OUT) || OUT}/results.json`);
  for (const ref of [...REFERENCES].reverse()) {
    for (const k of variants.slice(1)) {
      const q = ratiosVs[ref][k];
      if (q) out(`ratio vs ${ref} (${KINDS[k].label}): throughput ${f2(q.throughput)}, cpu-per-msg ${f2(q.cpuPerMsg)}, p99@10k ${f2(q.p99at10k)}, scaling ${f2(q.scaling)}`);
    }
    const q = ratiosVs[ref][variants[0]];
    if (q) out(`ratio vs ${ref}: throughput ${f2(q.throughput)}, cpu-per-msg ${f2(q.cpuPerMsg)}, p99@10k ${f2(q.p99at10k)}, scaling ${f2(q.scaling)}`);
    else if (ref === REFERENCES[0]) out(`ratio vs ${ref}: throughput n/a, cpu-per-msg n/a, p99@10k n/a, scaling n/a`);
  }
  return ratiosVs;
}

// With --wss: each server over wss:// against itself over ws://, then ours over wss:// against
// each peer over wss:// (per-round ratios, median over the rounds, as everywhere).
function tlsSummary(results, get, ratio) {
  const refUs = (r) => r.b3.ref.hostUsPerMsg;
  const maxRate = (r) => r.b3.best.deliveredPerSec;
  const p99 = (r) => r.b4_10k.p99;
  const rss = (r) => r.b1[2].rssPerMemberKiB;
  const twins = Object.entries(OVER_WSS).filter(([ws, wss]) => results[ws].length && results[wss].length);
  if (!twins.length) return;
  table(`TLS — each server over wss:// vs itself over ws:// (medians; ÷: median of per-round ratios wss/ws)`,
    ['server', `host µs/msg@${C.b3Ref} ws → wss`, '÷', 'max msg/s ws → wss', '÷', `RSS/idle member@${C.levels[2]} ws → wss`, '÷'],
    twins.map(([ws, wss]) => [KINDS[ws].label,
      `${f1(get(ws, refUs))} → ${f1(get(wss, refUs))}`, `${f2(ratio(wss, refUs, ws))}×`,
      `${f0(get(ws, maxRate))} → ${f0(get(wss, maxRate))}`, `${f2(ratio(wss, maxRate, ws))}×`,
      `${f1(get(ws, rss))} → ${f1(get(wss, rss))} KiB`, `${f2(ratio(wss, rss, ws))}×`]));
  const peers = ['peer-wss', 'bun-wss'].filter((k) => results[k].length);
  if (!results['ours-wss'].length || !peers.length) return;
  out(`TLS — ours over wss:// vs the peers over wss:// (median over the rounds of per-round ratios ours/peer, both over wss://):`);
  for (const k of peers)
    out(`  vs ${KINDS[k].label}: throughput ${f2(ratio('ours-wss', maxRate, k))}, host cpu-per-msg@${C.b3Ref} ${f2(ratio('ours-wss', refUs, k))}, ` +
      `p99@${C.levels[2]} ${f2(ratio('ours-wss', p99, k))}, RSS per idle TLS member ${f2(ratio('ours-wss', rss, k))} ` +
      `(${f1(get('ours-wss', rss))} vs ${f1(get(k, rss))} KiB)`);
  out();
}

// ---- main ----------------------------------------------------------------------------------

// A file that the measured host's build generated (build/generated/...), beside its CMakeCache.txt.
function hostGeneratedFile(rel) {
  for (let dir = path.dirname(HOST_ORIGIN), i = 0; i < 3; i += 1, dir = path.dirname(dir)) {
    const f = path.join(dir, 'generated', rel);
    if (fs.existsSync(f)) return f;
  }
  throw new Error(`no generated/${rel} in the build of ${HOST_ORIGIN}`);
}

function hostBuildType() {
  // build/server/privatechat-server -> build/CMakeCache.txt
  for (let dir = path.dirname(HOST_ORIGIN), i = 0; i < 3; i += 1, dir = path.dirname(dir)) {
    try {
      const m = /^CMAKE_BUILD_TYPE:STRING=(.*)$/m.exec(fs.readFileSync(path.join(dir, 'CMakeCache.txt'), 'utf8'));
      if (m) return m[1] || '(none)';
    } catch {}
  }
  return 'unknown';
}

async function main() {
  const t0 = performance.now();
  const cpuModel = (/model name\s*:\s*(.*)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8')) || [])[1];
  const buildType = hostBuildType();
  out(`Private Chat host benchmark — ${new Date().toISOString()}${QUICK ? ' — --quick' : ''}${SCALE !== 1 ? ` — SCALE ${SCALE} (smoke test)` : ''}`);
  out(`machine: ${os.cpus().length} CPUs (${cpuModel}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${os.release()}; load average at start ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  out(`node ${process.version}; ${execFileSync('redis-server', ['--version']).toString().trim().split(' ').slice(0, 3).join(' ')}; host ${path.relative(REPO, HOST_ORIGIN)} of ${fs.statSync(HOST_ORIGIN).mtime.toISOString().slice(0, 16)}Z (CMAKE_BUILD_TYPE ${buildType})`);
  if (/debug/i.test(buildType)) out('WARNING: the host binary is a Debug build (the project code unoptimized; Qt itself is the distribution\'s optimized build)');
  out(`layout: load generator (${GENERATOR === 'compiled' ? 'the compiled one, driven by this Node process' : 'this Node process'}; Node's for Socket.IO) on CPU 0; server under test + its Redis (unix socket, no persistence) on CPU 1`);
  out(`every server: rate limit ${C.rateLimit} burst and ${C.rateLimit}/s per connection (the host's default 200/20 would refuse the benchmark), idle timeout ${C.idleTimeout} s, TCP_NODELAY, backlog 4096; rooms of 2, ~64-character messages`);

  // Which dispatcher does the host use by default? If it is an epoll one and the Qt one can
  // still be forced (PC_EVENT_DISPATCHER=qt), measure both: in the full run, or with
  // --qt-dispatcher (--quick keeps its 10 minutes for 3 pairs of ours and the peer).
  const only = ONLY ? ONLY.split(',') : null;
  let variants = ['ours'];
  let dispatcherNote = '';
  if (VARIANTS) variants = VARIANTS.split(',');
  else if (QUICK && !flag('qt-dispatcher')) dispatcherNote = 'epoll dispatcher by default (Qt\'s own not measured in --quick; add --qt-dispatcher)';
  else if (!only || only.includes('ours')) {
    await freshRedis();
    const probe = await startServer('ours');
    const epoll = usesEpoll(probe.pid);
    await stopServer(probe);
    if (epoll) {
      const probeQt = await startServer('ours-qt');
      const qtToo = !usesEpoll(probeQt.pid);
      await stopServer(probeQt);
      if (qtToo) variants.push('ours-qt');
      dispatcherNote = qtToo ? 'epoll dispatcher by default; Qt\'s own (PC_EVENT_DISPATCHER=qt) measured too' : 'epoll dispatcher (PC_EVENT_DISPATCHER=qt did not switch it off)';
    } else dispatcherNote = 'Qt\'s default event dispatcher (no epoll dispatcher wired in)';
  }
  if (!C.runs) C.runs = QUICK ? (variants.length > 1 ? 2 : 3) : 5;
  if (dispatcherNote) out(`host event dispatcher: ${dispatcherNote}`);
  const order = [...variants, ...REFERENCES].flatMap((k) => (WSS && OVER_WSS[k] ? [k, OVER_WSS[k]] : [k]))
    .filter((k) => !only || only.includes(k) || (k === 'ours-qt' && only.includes('ours')) || (wssTwin(k) && only.includes(wssTwin(k))));
  out(`runs: ${C.runs} per server, alternating (${order.join(', ')}); Socket.IO reference ${C.sioRuns} (B3/B4/B5 only, its own minimal event protocol, not ours)` +
    (QUICK ? ` — --quick: ${C.runs} runs instead of 5 and shorter phases (${C.loadSecs} s per B4/B5 phase, ${C.b3StepSecs} s per B3 step, ${C.histSecs} s per B6 phase); same member counts as the full run` : ''));
  out();

  const b0r = SKIP_B0 ? null : await b0();
  if (flag('b0-only')) {
    printB0(b0r);
    fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify({ config: C, b0: b0r }, null, 1));
    await redis.quit();
    return;
  }

  const results = Object.fromEntries(Object.keys(KINDS).filter((k) => k !== 'echo').map((k) => [k, []]));
  for (let i = 0; i < C.runs; i += 1) for (const kind of order) results[kind].push(await runServer(kind, i));
  if (!only || only.includes('sio')) for (let i = 0; i < C.sioRuns; i += 1) results.sio.push(await runServer('sio', i));

  out(`load average at the end ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  const ratiosVs = summarize(results, b0r, variants.filter((k) => results[k].length), (performance.now() - t0) / 1000);
  // ratios: against the Node peer (as before); ratiosVs: against each peer
  fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify({ config: C, quick: QUICK, buildType, b0: b0r, results, ratios: ratiosVs.peer, ratiosVs }, (k, v) =>
    v === Infinity ? 'Infinity' : v, 1));
  fs.writeFileSync(path.join(OUT, 'report.txt'), reportLines.join('\n') + '\n');
  await redis.quit();
}

// ---- profiles (--profile ours|ours-qt|peer) --------------------------------------------------
// perf record (cpu-clock, no PMU needed) of the server process during three steady phases:
// 4k msg/s at 1k members, 1k msg/s at 10k members, last-1000 history fetches at 50/s; then
// B2's connect burst on a fresh server.

function perfRecord(pid, name, secs) {
  const data = path.join(OUT, `${name}.perf.data`);
  // DWARF unwinding: Debian's Qt and glib have no frame pointers (and no debug symbols here).
  const child = spawn('taskset', ['-c', '0', 'perf', 'record', '-q', '-e', 'cpu-clock', '-F', '499',
    '--call-graph', 'dwarf,16384', '-o', data, '-p', String(pid), '--', 'sleep', String(secs)],
  { stdio: ['ignore', 'ignore', 'inherit'] });
  return new Promise((resolve) => child.on('exit', () => resolve(data)));
}
function perfReport(data, name) {
  const run = (args) => {
    try {
      return execFileSync('perf', ['report', '-i', data, '--stdio', ...args],
        { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
    } catch (e) {
      return String(e.stdout || e);
    }
  };
  const tidy = (t, max) => t.split('\n').filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.replace(/\s+-\s+-\s*$/, '').replace(/\s+$/, '').replace(/ {3,}/g, '  ')).slice(0, max).join('\n');
  const text = [
    '== self time by DSO',
    tidy(run(['--no-children', '--sort', 'dso', '-g', 'none', '--percent-limit', '0.5']), 20),
    '== self time by symbol (Qt has no debug symbols here: an internal Qt function shows as the nearest exported one)',
    tidy(run(['--no-children', '--sort', 'dso,symbol', '-g', 'none', '--percent-limit', '0.7']), 40),
    '== inclusive time (children) by symbol',
    tidy(run(['--children', '--sort', 'symbol', '-g', 'none', '--percent-limit', '2']).split('\n')
      .filter((l) => !/QtPrivate::|std::|\] 0x[0-9a-f]+$|_start|__libc_start|QFunctorSlotObject|FunctorCall/.test(l)).join('\n'), 50),
  ].join('\n');
  fs.writeFileSync(path.join(OUT, `${name}.perf.txt`), text + '\n');
  return text;
}

async function profile(kind) {
  const proto = KINDS[kind].proto;
  out(`profiles of ${KINDS[kind].label} — perf record -e cpu-clock -F 499 --call-graph dwarf on the server process (CPU 1); load generator on CPU 0`);
  await freshRedis();
  const server = await startServer(kind);
  const pairs = [];
  const secs = 10;
  try {
    await grow(server, proto, pairs, C.b3Members, C.growWindow);
    const rooms = pairs.slice(0, C.histRooms);
    await runLoad(server, rooms, 5000, (C.histFill * rooms.length) / 5000);
    const lastSeqs = new Map();
    for (const p of rooms) lastSeqs.set(p.a.roomId, (await p.a.call('room.info', { roomId: p.a.roomId, token: p.a.token })).lastSeq);

    const nothing = async () => {};
    const phases = [
      ['send-4k-1k', `${C.b3Ref} msg/s at ${C.b3Members} members`, nothing, () => runLoad(server, pairs, C.b3Ref, secs)],
      ['history-1000', `messages.list last 1000 at ${C.hist1000Rate}/s`, nothing,
        () => historyPhase(server, rooms, lastSeqs, 1000, C.hist1000Rate, secs)],
      ['send-1k-10k', `${C.rate} msg/s at ${C.levels[2]} members`,
        async () => {
          await grow(server, proto, pairs, C.levels[2], C.growWindow);
          await sleep(1000);
        },
        () => runLoad(server, pairs, C.rate, secs)],
    ];
    for (const [name, what, prepare, run] of phases) {
      await prepare();
      const running = run();
      await sleep(300);
      const data = await perfRecord(server.pid, `${kind}-${name}`, secs - 1);
      const r = await running;
      const text = perfReport(data, `${kind}-${name}`);
      out(`--- ${what}: host ${(r.hostUsPerMsg || r.hostUsPerReq).toFixed(1)} µs per ${r.hostUsPerMsg ? 'message' : 'request'}` +
        (r.p99 !== undefined ? `, p50 ${fmtMs(r.p50)} p99 ${fmtMs(r.p99)}` : ''));
      out(text);
    }
  } finally {
    closePairs(pairs);
    await stopServer(server);
  }
  await profileBurst(kind, proto);
  await redis.quit();
}

// B2 as the benchmark runs it, recorded from just before the first connect to past the last join.
async function profileBurst(kind, proto) {
  await freshRedis();
  const server = await startServer(kind);
  const pairs = [];
  try {
    const recording = perfRecord(server.pid, `${kind}-burst-10k`, 4);
    await sleep(300);
    const g = await grow(server, proto, pairs, C.burst, C.burstWindow / 2);
    const text = perfReport(await recording, `${kind}-burst-10k`);
    out(`--- B2: ${pairs.length * 2} members connect + join + subscribe in ${g.secs.toFixed(2)} s (recorded for 4 s from 0.3 s before)`);
    out(text);
  } finally {
    closePairs(pairs);
    await stopServer(server);
  }
}

// Heap profile (valgrind massif) of the host with idle members: what one member costs.
async function profileMemory(kind) {
  const file = path.join(OUT, `${kind}.massif.out`);
  out(`heap profile of ${KINDS[kind].label} with ${n(1000)} idle members — valgrind --tool=massif (heap only, not RSS)`);
  await freshRedis();
  // Every snapshot detailed and timed in ms, so the one of the idle members can be picked: the
  // peak is some moment of the joins, with their passing buffers.
  const t0 = Date.now();
  const server = await startServer(kind, ['valgrind', '--tool=massif', '--depth=40', '--threshold=0.3',
    '--time-unit=ms', '--detailed-freq=1', `--massif-out-file=${file}`]);
  const readyAt = Date.now() - t0;
  const pairs = [];
  let idleAt;
  try {
    await grow(server, 'pc', pairs, n(1000), 20);
    note(`  ${pairs.length * 2} members joined under valgrind`);
    await sleep(3000); // the host's idle sweep (every second) runs meanwhile
    idleAt = Date.now() - t0;
  } finally {
    await stopServer(server, 60000);
    closePairs(pairs);
  }
  const members = pairs.length * 2;
  const text = execFileSync('ms_print', ['--threshold=0.3', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  fs.writeFileSync(path.join(OUT, `${kind}.massif.txt`), text);
  const lines = text.split('\n');
  // Snapshot rows: number, time (ms since the host started), total, useful heap, extra, stacks.
  const rows = [];
  lines.forEach((l, at) => {
    const m = /^\s+(\d+)\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)\s+0\s*$/.exec(l);
    if (m) rows.push({ at, ms: Number(m[2].replace(/,/g, '')), total: Number(m[3].replace(/,/g, '')) });
  });
  const last = (ms) => rows.filter((r) => r.ms <= ms).pop() || rows[0];
  const base = last(readyAt);
  const idle = last(idleAt - 250);
  out(`heap with ${members} idle members ${(idle.total / 2 ** 20).toFixed(1)} MiB, at start ${(base.total / 2 ** 20).toFixed(1)} MiB: ` +
    `${((idle.total - base.total) / members / 1024).toFixed(1)} KiB per member (massif snapshot at ${idle.ms} ms); allocation sites ≥ 1%:`);
  for (let at = idle.at + 1; at < lines.length && !/^-{10}/.test(lines[at]); at += 1) {
    const m = /^([| ]*)->(\d+\.\d+)% \(([\d,]+)B\) (?:0x[0-9A-F]+: )?(.*)$/.exec(lines[at]);
    if (!m) continue;
    const depth = m[1].length / 2;
    const bytes = Number(m[3].replace(/,/g, ''));
    if (depth > 5 || Number(m[2]) < 1) continue;
    const what = m[4].replace(/\(in \/usr\/lib\/x86_64-linux-gnu\/(\S+)\)/, '[$1]').replace(/\(QFlags<[^)]*\)|\([^()]*\)(?= \(|$)/g, '()');
    out(`  ${'  '.repeat(depth)}${m[2].padStart(5)}%  ${(bytes / members).toFixed(0).padStart(6)} B/member  ${what.slice(0, 130)}`);
  }
  await redis.quit();
}

(PROFILE ? profile(PROFILE) : PROFILE_MEMORY ? profileMemory(PROFILE_MEMORY) : main()).then(
  () => process.exit(0),
  (e) => {
    console.error(`benchmark failed: ${e.stack || e}`);
    process.exit(1);
  },
);
