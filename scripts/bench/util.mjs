// Measurement helpers for the benchmark: repeated runs, medians, percentiles, child resource use.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** Runs a command under /usr/bin/time: wall and CPU seconds, peak RSS in MB. */
export function timed(cmd, args, opts = {}) {
  const out = path.join(os.tmpdir(), `iomem-lens-bench-time-${process.pid}`);
  const r = spawnSync('/usr/bin/time', ['-o', out, '-f', '%e %U %S %M', cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28, ...opts });
  const [wall, user, sys, kb] = fs.readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  fs.rmSync(out, { force: true });
  return { status: r.status, wall, cpu: user + sys, rssMb: kb / 1024, stderr: r.stderr?.toString() ?? '' };
}

/** The median of `runs` timed runs of a command (each field separately). */
export function medianOf(runs, fn) {
  return medianOfRuns(Array.from({ length: runs }, fn));
}

/** The median of timed runs (each field separately). */
export function medianOfRuns(rs) {
  return { wall: median(rs.map((r) => r.wall)), cpu: median(rs.map((r) => r.cpu)), rssMb: median(rs.map((r) => r.rssMb)), status: rs[0].status, runs: rs.length };
}

export function machine() {
  return `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`;
}

export function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

export const fmt = (x, d = 1) => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(d));
