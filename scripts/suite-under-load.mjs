// Runs the test suite (CI=true npx vitest run) next to K CPU-bound processes and reports what the README's
// "Time of the suite" states: the wall time, the 1-minute load average over the run (sampled every 5 s), the
// CPU time of the suite, the slowest tests with their share of their timeout, and any test above a third of it.
//   node scripts/suite-under-load.mjs [--load K] [--json FILE] [FILE FILTERS…]   (K = 1 by default; --load 0: nothing extra;
//   file filters, as Vitest takes them, run part of the suite)
// FILE receives the per-test and per-file timings (test/support/timingReporter.ts), which
// scripts/test-file-costs.mjs turns into the sequencer's seconds per file.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ options: { load: { type: 'string', default: '1' }, json: { type: 'string' } }, allowPositionals: true });
const k = Number(values.load);
if (!Number.isInteger(k) || k < 0 || k > 16) {
  console.error('suite-under-load: --load must be an integer 0..16');
  process.exit(2);
}
const root = resolve(import.meta.dirname, '..');
const timingFile = values.json ? resolve(values.json) : join(mkdtempSync(join(tmpdir(), 'ntk-suite-')), 'timing.json');

const burners = Array.from({ length: k }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
const loads = [];
const sample = () => loads.push(Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]));
sample();
const sampler = setInterval(sample, 5000);
const started = Date.now();
const child = spawn('npx', ['vitest', 'run', '--reporter=default', '--reporter=./test/support/timingReporter.ts', ...positionals], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CI: 'true', NTK_TIMING_OUT: timingFile },
});
const code = await new Promise((res) => child.on('exit', (c) => res(c ?? 1)));
const wall = (Date.now() - started) / 1000;
clearInterval(sampler);
// CPU seconds of the reaped children (npx → Vitest → its workers), read before the burners are killed and reaped
const stat = readFileSync('/proc/self/stat', 'utf8');
const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
const childCpu = (Number(fields[13]) + Number(fields[14])) / 100;
for (const b of burners) b.kill('SIGKILL');

const { tests } = JSON.parse(readFileSync(timingFile, 'utf8'));
const sorted = [...loads].sort((a, b) => a - b);
const q = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN);
const fmt = (s) => `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
const slow = tests.filter((t) => t.state === 'passed' || t.state === 'failed').sort((a, b) => b.durationMs - a.durationMs);
const over = slow.filter((t) => t.timeoutMs > 0 && t.durationMs > t.timeoutMs / 3);
const lines = [
  `${positionals.length ? `vitest run ${positionals.join(' ')}` : 'npm test'} (CI=true) next to ${k} CPU-bound process(es): ${fmt(wall)}, exit ${code}`,
  `1-minute load average over the run: median ${q(0.5)}, range ${q(0)}–${q(1)} (${loads.length} samples); the suite used ${Math.round(childCpu)} CPU-seconds`,
  'slowest tests (duration / timeout):',
  ...slow.slice(0, 10).map((t) => `  ${(t.durationMs / 1000).toFixed(1)} s / ${(t.timeoutMs / 1000).toFixed(0)} s  ${t.file} > ${t.name.slice(0, 110)}`),
  over.length ? `${over.length} test(s) above a third of their timeout:` : 'no test above a third of its timeout',
  ...over.map((t) => `  ${(t.durationMs / 1000).toFixed(1)} s / ${(t.timeoutMs / 1000).toFixed(0)} s  ${t.file} > ${t.name.slice(0, 110)}`),
];
console.log(`\n${lines.join('\n')}`);
writeFileSync(join(root, 'reports', 'suite-under-load.txt'), `${lines.join('\n')}\n`);
process.exit(code);
