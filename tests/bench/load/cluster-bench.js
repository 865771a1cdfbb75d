#!/usr/bin/env node
'use strict';
// Two hosts on one Redis against two hosts on a Redis Cluster of 3 masters (issue 15): the
// highest message rate both carry with p99 < 50 ms, CPU per message, and how the cluster's
// masters share the load. Started by tests/bench/cluster, which builds the host.
//
// Each room has a member on each host, so every message crosses from one host to the other
// through Redis (one Lua script + one publish; on the cluster SPUBLISH on the room's shard).
// Generator on CPU 0; hosts and every redis-server on CPU 1, as in tests/bench/run: on two
// cores the cluster's three masters share one core, so expect little gain here - the spread
// is what a machine with a core per master would turn into throughput.

const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { performance } = require('perf_hooks');
const { Member, stats, resetPhase, countError, drain } = require('./members');
const { cpuUs, children, killChildren } = require('./proc');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const QUICK = args.includes('--quick');
const HOST_BIN = opt('host-bin');
const PAIRS = Number(opt('pairs', 200));
const STEP_SECS = Number(opt('step-secs', QUICK ? 3 : 6));
const RATES = (opt('rates', '2000,4000,6000,8000,10000,12000,14000,16000,20000')).split(',').map(Number);
const RUNS = Number(opt('runs', QUICK ? 1 : 3));
const P99_LIMIT_US = 50000;
const TEXT_PAD = 'x'.repeat(40);
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-cluster-bench-'));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const note = (line) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

// ---- processes ------------------------------------------------------------------------------

process.on('exit', () => {
  killChildren();
  fs.rmSync(TMP, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

function start(cpu, argv, log) {
  const child = spawn('taskset', ['-c', String(cpu), ...argv], {
    stdio: ['ignore', 'pipe', fs.openSync(path.join(TMP, log), 'a')],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

const cli = (port, ...a) =>
  execFileSync('redis-cli', ['-p', String(port), ...a], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();

// Below the ephemeral range (32768 up), cluster bus ports (port + 10000) included; a port some
// other program holds is skipped.
let nextPort = 12000 + (process.pid % 1000) * 10;
async function startRedis(cluster) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = nextPort++;
    const dir = path.join(TMP, `redis-${port}`);
    fs.mkdirSync(dir);
    // A node timeout of 1 s: a failover takes about 2 s (Redis' default, 15 s, takes 15 s more).
    const extra = cluster ? ['--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, 'nodes.conf'),
      '--cluster-node-timeout', '1000'] : [];
    const child = start(1, ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '',
      '--appendonly', 'no', '--dir', dir, '--maxclients', '20000', ...extra], `redis-${port}.log`);
    for (let i = 0; i < 200 && child.exitCode === null; i++) {
      try {
        if (cli(port, 'PING') === 'PONG') return { port, pid: child.pid };
      } catch {}
      await sleep(25);
    }
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {}
  }
  throw new Error('redis-server did not start on any of 5 ports');
}

// The first `masters` nodes are the masters (redis-cli --cluster create takes them in order).
async function startCluster(masters, replicas = 0) {
  const nodes = [];
  for (let i = 0; i < masters * (1 + replicas); i++) nodes.push(await startRedis(true));
  execFileSync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`),
    '--cluster-replicas', String(replicas), '--cluster-yes'], { stdio: 'ignore' });
  const synced = (n) => !cli(n.port, 'INFO', 'replication').includes('role:slave') ||
    cli(n.port, 'INFO', 'replication').includes('master_link_status:up');
  for (let i = 0; i < 800; i++) {
    if (nodes.every((n) => cli(n.port, 'CLUSTER', 'INFO').includes('cluster_state:ok') && synced(n)))
      return nodes;
    await sleep(25);
  }
  throw new Error('the cluster did not come up');
}

function startHost(url, name) {
  const rl = '1000000';
  const child = start(1, [HOST_BIN, '--listen', '127.0.0.1:0', '--plain', '--redis', url, '--rate-burst', rl,
    '--rate-per-second', rl, '--max-connections-per-address', '0', '--room-burst', rl,
    '--rooms-per-minute', rl, '--room-burst-per-address', rl, '--rooms-per-minute-per-address', rl,
    '--max-rooms', rl], `${name}.log`);
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start; log in ${TMP}`)), 20000);
    child.stdout.on('data', (d) => {
      text += d;
      const m = /listening on ws:\/\/([\d.]+):(\d+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        child.stdout.resume();
        resolve({ child, pid: child.pid, host: m[1], port: Number(m[2]) });
      }
    });
  });
}

async function stop(child) {
  const exited = new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  try {
    process.kill(child.pid, 'SIGTERM');
  } catch {}
  await exited;
}

// ---- load -----------------------------------------------------------------------------------

let memberSeq = 0;
async function setupPairs(one, two, count) {
  const pairs = [];
  const worker = async () => {
    while (pairs.length < count) {
      const a = new Member(memberSeq++, 'pc');
      const b = new Member(memberSeq++, 'pc');
      pairs.push({ a, b });
      await Promise.all([a.connect(one), b.connect(two)]);
      const { roomId } = await a.call('room.create', { ttl: 3600, maxParticipants: 2 });
      const [ja, jb] = await Promise.all([
        a.call('room.join', { roomId, name: `m${a.idx}` }),
        b.call('room.join', { roomId, name: `m${b.idx}` }),
      ]);
      a.setRoom(roomId, ja.token);
      b.setRoom(roomId, jb.token);
      await Promise.all([a.call('subscribe', { channel: roomId, token: ja.token }),
        b.call('subscribe', { channel: roomId, token: jb.token })]);
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker));
  return pairs;
}

// A fixed rate for STEP_SECS, round robin over the rooms, the sender alternating in each room.
async function runRate(pairs, rate, pids) {
  const phase = resetPhase();
  const total = Math.round(rate * STEP_SECS);
  const before = pids.map(cpuUs);
  const t0 = performance.now() + 2;
  let k = 0;
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
      while (k < due) {
        const sched = t0 + (k * 1000) / rate;
        const pair = pairs[k % pairs.length];
        const m = Math.floor(k / pairs.length) & 1 ? pair.b : pair.a;
        if (!m.sendChat(`~B${phase}~${Math.round(sched * 1000)}~${m.idx}~${TEXT_PAD}`)) countError('send-on-closed');
        k += 1;
      }
      if (k >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  await drain(total);
  const cpu = pids.map((pid, i) => cpuUs(pid) - before[i]);
  const lat = stats.lat.subarray(0, stats.nLat).sort();
  const rank = Math.ceil(0.99 * total);
  const p99 = rank > stats.nLat ? Infinity : lat[rank - 1];
  return { rate, delivered: stats.delivered, lost: total - stats.delivered, p99, cpu, total, errors: { ...stats.errors } };
}

function evalCalls(port) {
  const m = /cmdstat_evalsha:calls=(\d+)/.exec(cli(port, 'INFO', 'commandstats'));
  return m ? Number(m[1]) : 0;
}

// One setup: two hosts on `url`, the ramp, and each Redis' share of the load.
async function measure(label, url, redises) {
  const one = await startHost(url, `${label}-host1`);
  const two = await startHost(url, `${label}-host2`);
  const pairs = await setupPairs(one, two, PAIRS);
  const pids = [one.pid, two.pid, ...redises.map((r) => r.pid)];
  let best = null;
  for (const rate of RATES) {
    const calls = redises.map((r) => evalCalls(r.port));
    const r = await runRate(pairs, rate, pids);
    r.evals = redises.map((x, i) => evalCalls(x.port) - calls[i]);
    const ok = r.p99 < P99_LIMIT_US && r.lost <= r.total * 0.001;
    note(`  ${label} ${rate} msg/s: delivered ${(r.delivered / STEP_SECS).toFixed(0)}/s, p99 ` +
      `${(r.p99 / 1000).toFixed(1)} ms, lost ${r.lost}, scripts per Redis ${r.evals.join('/')}${ok ? '' : '  (over)'}`);
    if (!ok) break;
    best = r;
  }
  for (const p of pairs) {
    p.a.close();
    p.b.close();
  }
  await stop(one.child);
  await stop(two.child);
  return best;
}

// Acknowledged messages by room while a failover is measured (the send replies' message ids).
const MESSAGE_ID_RE = /"message":\{.*?"id":"([^"]+)"/;
const acked = new Map(); // roomId -> Set of message ids
const backAfterKill = new Map(); // roomId -> its first acknowledged send after the kill
let tracking = false;
let killedAt = 0;
const countSendReply = Member.prototype.onSendReply;
Member.prototype.onSendReply = function (ok, s) {
  if (tracking && ok) {
    const m = MESSAGE_ID_RE.exec(s);
    if (m) {
      if (!acked.has(this.roomId)) acked.set(this.roomId, new Set());
      acked.get(this.roomId).add(m[1]);
      if (killedAt && !backAfterKill.has(this.roomId))
        backAfterKill.set(this.roomId, performance.now() - killedAt);
    }
  }
  return countSendReply.call(this, ok, s);
};

// A master of a 3+3 cluster SIGKILLed at FAILOVER_RATE msg/s: what was acknowledged and then
// lost (Redis replicates asynchronously), and how long its rooms could not send.
async function failover() {
  const rate = Number(opt('failover-rate', 2000));
  const secs = Number(opt('failover-secs', 8));
  const nodes = await startCluster(3, 1);
  const url = 'redis+cluster://' + nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
  const one = await startHost(url, 'failover-host1');
  const two = await startHost(url, 'failover-host2');
  const pairs = await setupPairs(one, two, PAIRS);
  const victim = nodes[0];
  const onVictim = new Set(cli(victim.port, '--scan', '--pattern', '*meta:{*').split('\n')
    .map((k) => k.slice(k.indexOf('{') + 1, -1)));
  tracking = true;
  const phase = resetPhase();
  const total = Math.round(rate * secs);
  const t0 = performance.now() + 2;
  let k = 0;
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      if (!killedAt && now - t0 > 2000) {
        killedAt = now;
        process.kill(victim.pid, 'SIGKILL');
      }
      const due = Math.min(total, Math.floor(((now - t0) * rate) / 1000) + 1);
      for (; k < due; k++) {
        const pair = pairs[k % pairs.length];
        const m = Math.floor(k / pairs.length) & 1 ? pair.b : pair.a;
        m.sendChat(`~B${phase}~0~${m.idx}~${TEXT_PAD}`);
      }
      if (k >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  await sleep(2000);
  tracking = false;
  let ackedCount = 0;
  let lost = 0;
  let lostOnVictim = 0;
  for (const { a } of pairs) {
    const ids = acked.get(a.roomId) || new Set();
    ackedCount += ids.size;
    const stored = new Set();
    let after = 0;
    for (;;) {
      let page;
      for (let attempt = 0; !page; attempt++) {
        try {
          page = await a.call('messages.list', { roomId: a.roomId, token: a.token, after });
        } catch (e) {
          if (attempt > 100) throw e; // 10 s: the cluster did not recover
          await sleep(100);
        }
      }
      for (const msg of page.messages) stored.add(msg.id);
      if (!page.hasMore || !page.messages.length) break;
      after = page.messages[page.messages.length - 1].seq;
    }
    for (const id of ids) {
      if (!stored.has(id)) {
        lost += 1;
        lostOnVictim += onVictim.has(a.roomId);
      }
    }
  }
  // The killed master's rooms: from the kill to the first send that succeeded again in each
  // (a reply already on its way at the kill counts as 0).
  const back = [...onVictim].map((id) => backAfterKill.get(id) ?? Infinity).sort((x, y) => x - y);
  for (const p of pairs) {
    p.a.close();
    p.b.close();
  }
  await stop(one.child);
  await stop(two.child);
  return { rate, total, acked: ackedCount, lost, lostOnVictim, rooms: pairs.length, victimRooms: onVictim.size,
    backMedianMs: back[Math.floor(back.length / 2)], backMaxMs: back[back.length - 1],
    sendErrors: stats.sendErr, errors: { ...stats.errors } };
}

async function main() {
  if (!HOST_BIN) throw new Error('--host-bin is required');
  note(`two hosts, ${PAIRS} rooms with a member on each, ${STEP_SECS} s per rate, ${RUNS} run(s)`);
  const single = await startRedis(false);
  const masters = await startCluster(3);
  const clusterUrl = 'redis+cluster://' + masters.map((m) => `127.0.0.1:${m.port}`).join(',');
  const results = { single: [], cluster: [] };
  for (let run = 0; run < RUNS; run++) {
    for (const [label, url, redises] of [['single', `redis://127.0.0.1:${single.port}`, [single]],
      ['cluster', clusterUrl, masters]]) {
      for (const r of redises) cli(r.port, 'CONFIG', 'RESETSTAT');
      results[label].push(await measure(label, url, redises));
    }
  }
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`\nTwo hosts, ${PAIRS} rooms (a member on each host), generator on CPU 0, hosts + Redis on CPU 1`);
  console.log('setup                  highest rate p99<50ms   host µs/msg (both)   Redis µs/msg (all)   scripts per master');
  for (const label of ['single', 'cluster']) {
    const rs = results[label].filter(Boolean);
    if (!rs.length) {
      console.log(`${label.padEnd(22)} none passed`);
      continue;
    }
    const best = rs.reduce((a, b) => (a.rate >= b.rate ? a : b));
    const hostUs = (r) => (r.cpu[0] + r.cpu[1]) / r.total;
    const redisUs = (r) => r.cpu.slice(2).reduce((a, b) => a + b, 0) / r.total;
    const spread = best.evals.map((n) => `${((100 * n) / best.evals.reduce((a, b) => a + b, 0)).toFixed(0)}%`).join(' / ');
    console.log(`${(label === 'single' ? 'one Redis' : '3-master cluster').padEnd(22)} ` +
      `${String(median(rs.map((r) => r.rate))).padStart(8)} msg/s          ` +
      `${median(rs.map(hostUs)).toFixed(1).padStart(8)}            ${median(rs.map(redisUs)).toFixed(1).padStart(8)}          ${spread}`);
  }
  if (!args.includes('--no-failover')) {
    note('failover: a master of a 3+3 cluster killed mid-chat');
    const f = await failover();
    console.log(`\nFailover: ${f.rate} msg/s over ${f.rooms} rooms (${f.victimRooms} on the killed master), ` +
      `${f.total} sent: ${f.acked} acknowledged, ${f.lost} of them lost (${f.lostOnVictim} on the killed ` +
      `master's shard); ${f.sendErrors} sends refused (${JSON.stringify(f.errors)}); its rooms sent ` +
      `again after ${(f.backMedianMs / 1000).toFixed(1)} s (median), ${(f.backMaxMs / 1000).toFixed(1)} s (last)`);
  }
  const ratio = median(results.cluster.filter(Boolean).map((r) => r.rate)) /
    median(results.single.filter(Boolean).map((r) => r.rate));
  console.log(`ratio cluster vs one Redis: throughput ${ratio.toFixed(2)}`);
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
