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

module.exports = { cpuUs };
