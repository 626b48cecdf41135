/**
 * Cost-growth exponents: log-log fits (src/search/stats.ts logLogFit, 95% CI of the slope) of the
 * wall time of
 *   - lambdaMinCertified against N (kernel-like SPD matrices K = FFᵀ/d + 0.01·I, as bench/linalg.ts),
 *   - the limiting NTK build (nmm, ReLU, L = 5) against N at d = 100,
 *   - the limiting NTK build against d at N = 500,
 *   - certifyLambdaMinAtLeast(K, λ_lower/2) against N,
 * with the exponents expected from the algorithms (3, 2, 1, 3) printed for comparison. Leading order:
 * the NTK build costs N²d (Gram matrix) + N²L·c (arc-cosine layers, c ≫ 1 flops per entry), so
 * against d the slope approaches 1 only once d ≫ c·L.
 *
 *   node --import tsx bench/growth.ts [--quick]
 *
 * Times are medians over repetitions per size (one core, wall time). Small sizes sit below the
 * asymptotic regime (O(N²) work and call overheads weigh more there), which pulls fitted slopes
 * under the asymptotic exponent; machines are noisy, so compare only figures from one run.
 */
import { pathToFileURL } from 'node:url';
import { gram } from '../src/linalg/blas.ts';
import { certifyLambdaMinAtLeast, lambdaMinCertified } from '../src/linalg/lambdaMin.ts';
import type { Matrix } from '../src/linalg/matrix.ts';
import { limitingKernels } from '../src/ntk/limiting.ts';
import { gaussianMatrix, sampleData } from '../src/random/distributions.ts';
import { createRng } from '../src/random/rng.ts';
import { logLogFit, type LogLogFit } from '../src/search/stats.ts';
import { timeIt } from './timing.ts';

export interface GrowthRow {
  op: string;
  variable: 'N' | 'd';
  expected: number;
  points: { x: number; seconds: number }[];
  fit: LogLogFit;
}

/** Median of `reps` timed calls after one untimed call (first call at a new size: allocation, GC). */

function kernelMatrix(n: number): Matrix {
  const d = Math.min(2 * n, 1000);
  const f = gaussianMatrix(createRng(`bench-growth-${n}`), n, d);
  const k = gram(f);
  for (let i = 0; i < k.data.length; i++) k.data[i] /= d;
  for (let i = 0; i < n; i++) k.data[i * n + i] += 0.01;
  return k;
}

const repsFor = (size: number, big: number) => (size <= big / 4 ? 7 : size <= big / 2 ? 3 : 2);

export function runGrowthBench(opts: { quick?: boolean; depth?: number; log?: (s: string) => void } = {}): GrowthRow[] {
  const log = opts.log ?? (() => {});
  const depth = opts.depth ?? 5;
  const ns = opts.quick ? [100, 200, 400, 800] : [100, 160, 250, 400, 640, 1000, 1600];
  const ds = opts.quick ? [50, 100, 200, 400] : [50, 100, 200, 400, 800, 1600, 3200];
  const nMax = ns[ns.length - 1];
  const rows: GrowthRow[] = [];
  const lam: { x: number; seconds: number }[] = [];
  const cert: { x: number; seconds: number }[] = [];
  // warm-up (JIT)
  for (const n of [ns[0], 2 * ns[0]]) {
    const k = kernelMatrix(n);
    const x = sampleData(createRng(`warm-${n}`), { family: 'sqrt-d-sphere' }, n, 100);
    for (let r = 0; r < 5; r++) {
      const e = lambdaMinCertified(k);
      certifyLambdaMinAtLeast(k, 0.5 * e.lower);
      limitingKernels(x, { depth });
    }
  }
  for (const n of ns) {
    const k = kernelMatrix(n);
    const reps = repsFor(n, nMax);
    let enc = lambdaMinCertified(k);
    lam.push({
      x: n,
      seconds: timeIt(reps, () => {
        enc = lambdaMinCertified(k);
      }),
    });
    const b = enc.lower > 0 ? 0.5 * enc.lower : enc.lower;
    cert.push({
      x: n,
      seconds: timeIt(reps, () => {
        certifyLambdaMinAtLeast(k, b);
      }),
    });
    log(
      `  N=${String(n).padStart(5)}  lambdaMinCertified ${lam[lam.length - 1].seconds.toFixed(5)} s (${enc.method}, ${enc.factorizations} factorizations)  certifyLambdaMinAtLeast ${cert[cert.length - 1].seconds.toFixed(5)} s`,
    );
  }
  const ntkN: { x: number; seconds: number }[] = [];
  for (const n of ns) {
    const x = sampleData(createRng(`bench-growth-ntk-${n}`), { family: 'sqrt-d-sphere' }, n, 100);
    ntkN.push({
      x: n,
      seconds: timeIt(repsFor(n, nMax), () => {
        limitingKernels(x, { depth });
      }),
    });
    log(`  N=${String(n).padStart(5)} d=100  limiting NTK (L=${depth}) ${ntkN[ntkN.length - 1].seconds.toFixed(5)} s`);
  }
  const ntkD: { x: number; seconds: number }[] = [];
  for (const d of ds) {
    const x = sampleData(createRng(`bench-growth-ntkd-${d}`), { family: 'sqrt-d-sphere' }, 500, d);
    ntkD.push({
      x: d,
      seconds: timeIt(5, () => {
        limitingKernels(x, { depth });
      }),
    });
    log(`  N=  500 d=${String(d).padStart(5)}  limiting NTK (L=${depth}) ${ntkD[ntkD.length - 1].seconds.toFixed(5)} s`);
  }
  const add = (op: string, variable: 'N' | 'd', expected: number, points: { x: number; seconds: number }[]) => {
    const fit = logLogFit(
      points.map((p) => p.x),
      points.map((p) => p.seconds),
    );
    rows.push({ op, variable, expected, points, fit });
  };
  add('lambdaMinCertified', 'N', 3, lam);
  add(`limiting NTK build (d=100, L=${depth})`, 'N', 2, ntkN);
  add(`limiting NTK build (N=500, L=${depth})`, 'd', 1, ntkD);
  add('certifyLambdaMinAtLeast', 'N', 3, cert);
  log('');
  log(
    `# fitted growth exponents: time ∝ x^slope, slope [95% CI] (logLogFit, ${ns.length} sizes ${ns[0]}…${nMax} for N, ${ds.length} for d ${ds[0]}…${ds[ds.length - 1]})`,
  );
  for (const r of rows) {
    const inCi = r.fit.slopeLow <= r.expected && r.expected <= r.fit.slopeHigh;
    log(
      `${r.op.padEnd(40)} vs ${r.variable}: slope ${r.fit.slope.toFixed(2)} [${r.fit.slopeLow.toFixed(2)}, ${r.fit.slopeHigh.toFixed(2)}]  r² ${r.fit.r2.toFixed(3)}  expected ${r.expected}${inCi ? '  (expected inside CI)' : '  (expected outside CI)'}`,
    );
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runGrowthBench({ quick: process.argv.includes('--quick'), log: (s) => console.log(s) });
}
