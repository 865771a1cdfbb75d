'use strict';
// What /proc says of a process, for the load generators.

const { execFileSync } = require('child_process');
const fs = require('fs');

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

// CPU time used so far (utime + stime), in µs.
function cpuUs(pid) {
  const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1e6) / CLK_TCK;
}

// The processes a load generator started: all SIGKILLed when it exits, however it exits.
const children = new Set();
function killChildren() {
  for (const c of children) {
    try {
      process.kill(c.pid, 'SIGKILL');
    } catch {}
  }
}

module.exports = { cpuUs, children, killChildren };
