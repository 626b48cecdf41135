/**
 * Memory benchmark: limiting NTK (limitingKernels(x, { depth }), N × d data) followed by
 * lambdaMinCertified on its ntk. Target: peak memory ≤ 3 × one N × N float64 matrix (8N² bytes,
 * 128 MB at N = 4000) above the process baseline.
 *
 *   node --expose-gc --import tsx bench/memory.ts [N] [d] [depth] [--ntk-only]     (defaults 4000 100 5)
 *
 * Exported: runMemoryBench(opts) (fresh child process; for bench/run.ts) and measureInProcess.
 *
 * Every measurement runs in a FRESH child process (so the peak is not polluted by earlier work):
 *  - baseline: after building x and a forced gc(): rss, arrayBuffers;
 *  - after each stage: process.memoryUsage() (rss, arrayBuffers) — the state, not the peak;
 *  - the true peak: process.resourceUsage().maxRSS (kernel high-water mark of the resident set), read
 *    before the computation (it then includes start-up transients) and after it; the peak of the
 *    computation above baseline is maxRSS_after − rss_baseline (reported only if maxRSS grew).
 * Results are printed in units of one N × N float64 matrix.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { limitingKernels } from '../src/ntk/limiting.ts';
import { lambdaMinCertified } from '../src/linalg/lambdaMin.ts';
import { createRng } from '../src/random/rng.ts';
import { gaussianMatrix } from '../src/random/distributions.ts';

export interface MemoryStage {
  stage: string;
  rssMB: number;
  arrayBuffersMB: number;
  /** (rss − baseline rss) / (8N² bytes) */
  rssAboveBaseline: number;
  /** (arrayBuffers − baseline arrayBuffers) / (8N² bytes) */
  arrayBuffersAboveBaseline: number;
  seconds: number;
}

export interface MemoryBenchResult {
  n: number;
  d: number;
  depth: number;
  /** true: the whole limitingKernels result (nngp and ntk) stays alive during λ_min; false: only ntk. */
  keepNngp: boolean;
  matrixMB: number;
  baselineRssMB: number;
  stages: MemoryStage[];
  /** (maxRSS after − baseline rss) / (8N² bytes): the true peak of the computation above baseline. */
  peakRssAboveBaseline: number;
  /** Largest arrayBuffers above baseline seen at a stage boundary (a lower bound on the peak). */
  peakArrayBuffersAboveBaselineAtStages: number;
  lambdaMin: { lower: number; upper: number; method: string };
  /** Target: peakRssAboveBaseline ≤ 3. */
  met: boolean;
}

export interface MemoryBenchOptions {
  n?: number;
  d?: number;
  depth?: number;
  /** Keep the whole limitingKernels result alive while λ_min runs (default true: the usual caller). */
  keepNngp?: boolean;
  log?: (line: string) => void;
}

const MB = 1024 * 1024;

/** Runs in the current process; needs --expose-gc for a meaningful baseline. Prefer runMemoryBench (fresh child). */
export function measureInProcess(n: number, d: number, depth: number, keepNngp = true): MemoryBenchResult {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('bench/memory.ts: run with node --expose-gc');
  const matBytes = 8 * n * n;
  const x = gaussianMatrix(createRng(`bench-memory-${n}-${d}`), n, d);
  for (let i = 0; i < x.data.length; i++) x.data[i] /= Math.sqrt(d);
  gc();
  gc();
  const base = process.memoryUsage();
  const maxRssBeforeKB = process.resourceUsage().maxRSS;
  const stages: MemoryStage[] = [];
  let t = performance.now();
  const record = (stage: string) => {
    const m = process.memoryUsage();
    const now = performance.now();
    stages.push({
      stage,
      rssMB: m.rss / MB,
      arrayBuffersMB: m.arrayBuffers / MB,
      rssAboveBaseline: (m.rss - base.rss) / matBytes,
      arrayBuffersAboveBaseline: (m.arrayBuffers - base.arrayBuffers) / matBytes,
      seconds: (now - t) / 1000,
    });
    t = now;
  };
  // The typical caller keeps the whole result (nngp and ntk) alive while computing λ_min; with
  // keepNngp = false only ntk stays reachable (nngp is then garbage — no explicit gc() is forced).
  let lk: ReturnType<typeof limitingKernels> | null = limitingKernels(x, { depth });
  const ntk = lk.ntk;
  // Only-ntk mode: the caller no longer needs the NNGP, so its buffer is lent to λ_min as the work array
  // (LAPACK-style WORK) instead of waiting for the garbage collector to free it.
  const work = keepNngp ? undefined : lk!.nngp.data;
  if (!keepNngp) lk = null;
  record('limitingKernels');
  const enc = lambdaMinCertified(ntk, work ? { work } : {});
  record('lambdaMinCertified');
  if (lk && lk.nngp.rows !== n) throw new Error('unreachable'); // keeps the whole result alive up to here
  const maxRssAfterKB = process.resourceUsage().maxRSS;
  const peakRss = maxRssAfterKB > maxRssBeforeKB ? (maxRssAfterKB * 1024 - base.rss) / matBytes : NaN;
  const peakAB = Math.max(...stages.map((s) => s.arrayBuffersAboveBaseline));
  return {
    n,
    d,
    depth,
    keepNngp,
    matrixMB: matBytes / MB,
    baselineRssMB: base.rss / MB,
    stages,
    peakRssAboveBaseline: peakRss,
    peakArrayBuffersAboveBaselineAtStages: peakAB,
    lambdaMin: { lower: enc.lower, upper: enc.upper, method: enc.method },
    met: peakRss <= 3,
  };
}

/** Runs the measurement in a fresh child process (true peak via maxRSS) and returns its result. */
export function runMemoryBench(opts: MemoryBenchOptions = {}): MemoryBenchResult {
  const n = opts.n ?? 4000,
    d = opts.d ?? 100,
    depth = opts.depth ?? 5,
    keepNngp = opts.keepNngp ?? true;
  const log = opts.log ?? (() => {});
  const self = fileURLToPath(import.meta.url);
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', self, '--child', String(n), String(d), String(depth), keepNngp ? 'keep' : 'ntk-only'],
    {
      encoding: 'utf8',
      maxBuffer: 16 * MB,
    },
  );
  const line = out.trim().split('\n').pop()!;
  const r = JSON.parse(line) as MemoryBenchResult;
  log(
    `memory: limiting NTK (N = ${n}, d = ${d}, depth ${depth}) + lambdaMinCertified, ${keepNngp ? 'whole result kept' : 'only ntk kept'}; one N×N matrix = ${r.matrixMB.toFixed(1)} MB, baseline rss ${r.baselineRssMB.toFixed(1)} MB`,
  );
  for (const s of r.stages)
    log(
      `  after ${s.stage.padEnd(20)} rss ${s.rssMB.toFixed(1)} MB (${s.rssAboveBaseline.toFixed(2)} N² above baseline), arrayBuffers ${s.arrayBuffersMB.toFixed(1)} MB (${s.arrayBuffersAboveBaseline.toFixed(2)}), ${s.seconds.toFixed(2)} s`,
    );
  log(`  PEAK rss above baseline (maxRSS): ${r.peakRssAboveBaseline.toFixed(2)} × N×N matrix  ${r.met ? 'met' : 'MISS'} (target ≤ 3)`);
  log(`  λ_min(ntk) ∈ [${r.lambdaMin.lower}, ${r.lambdaMin.upper}] ${r.lambdaMin.method}`);
  return r;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    const [n, d, depth] = args.slice(1, 4).map(Number);
    console.log(JSON.stringify(measureInProcess(n, d, depth, args[4] !== 'ntk-only')));
  } else {
    const ntkOnly = args.includes('--ntk-only');
    const [n, d, depth] = args.filter((a) => !a.startsWith('--')).map(Number);
    runMemoryBench({ n: n || undefined, d: d || undefined, depth: depth || undefined, keepNngp: !ntkOnly, log: (l) => console.log(l) });
  }
}
