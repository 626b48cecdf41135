/**
 * Linear-algebra benchmark: JS kernels of src/linalg against numpy/OpenBLAS on the SAME matrices.
 *
 *   node --import tsx bench/linalg.ts [N1,N2,...]
 *
 * Matrices: F an N × d Gaussian matrix, d = min(2N, 1000), K = F Fᵀ / d + 0.01·I (kernel-like, SPD).
 * Times are medians over repetitions (machines are noisy: compare only figures from one run).
 * If `python3 -c "import numpy"` works, numpy.linalg.eigvalsh / cholesky / F @ F.T are timed on the same
 * data (written as raw float64 to a temp file) and the ratio JS / numpy is printed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gram } from '../src/linalg/blas.ts';
import { choleskyInPlace } from '../src/linalg/cholesky.ts';
import { eigvalsh } from '../src/linalg/eigh.ts';
import { lambdaMinCertified, certifyLambdaMinAtLeast } from '../src/linalg/lambdaMin.ts';
import type { Matrix } from '../src/linalg/matrix.ts';
import { createRng } from '../src/random/rng.ts';
import { gaussianMatrix } from '../src/random/distributions.ts';
import { numpyAvailable, timeIt } from './timing.ts';

export interface LinalgBenchRow {
  op: string;
  n: number;
  jsSeconds: number;
  numpySeconds: number | null;
  ratio: number | null;
}

export interface LinalgBenchOptions {
  sizes?: number[];
  /** Repetitions per measurement (default: 7 for N ≤ 400, 3 for N ≤ 1000, 2 above). */
  reps?: number;
  /** Compare with numpy when available (default true). */
  numpy?: boolean;
  /** Also time the dense JS eigvalsh (default: for N ≤ 1000). */
  denseEigvalshMaxN?: number;
  log?: (line: string) => void;
}

const PY = `
import sys, time, json
import numpy as np
path_k, path_f, n, d, reps = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
K = np.fromfile(path_k, dtype=np.float64).reshape(n, n)
F = np.fromfile(path_f, dtype=np.float64).reshape(n, d)
def med(f):
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    ts.sort(); m = len(ts) // 2
    return ts[m] if len(ts) % 2 else 0.5 * (ts[m - 1] + ts[m])
np.linalg.eigvalsh(K); np.linalg.cholesky(K)
out = {"eigvalsh": med(lambda: np.linalg.eigvalsh(K)), "cholesky": med(lambda: np.linalg.cholesky(K)), "gram": med(lambda: F @ F.T),
       "lambdaMin": float(np.linalg.eigvalsh(K)[0])}
print(json.dumps(out))
`;

function kernelMatrix(n: number): { f: Matrix; k: Matrix } {
  const d = Math.min(2 * n, 1000);
  const f = gaussianMatrix(createRng(`bench-linalg-${n}`), n, d);
  const k = gram(f);
  for (let i = 0; i < k.data.length; i++) k.data[i] /= d;
  for (let i = 0; i < n; i++) k.data[i * n + i] += 0.01;
  return { f, k };
}

export function runLinalgBench(opts: LinalgBenchOptions = {}): LinalgBenchRow[] {
  const sizes = opts.sizes ?? [100, 200, 400, 1000, 2000];
  const log = opts.log ?? (() => {});
  const useNumpy = (opts.numpy ?? true) && numpyAvailable();
  const denseMax = opts.denseEigvalshMaxN ?? 1000;
  const rows: LinalgBenchRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'ntk-linalg-bench-'));
  try {
    for (const n of sizes) {
      const reps = opts.reps ?? (n <= 400 ? 7 : n <= 1000 ? 3 : 2);
      const { f, k } = kernelMatrix(n);
      let np: Record<string, number> | null = null;
      if (useNumpy) {
        const pk = join(dir, `k${n}.f64`);
        const pf = join(dir, `f${n}.f64`);
        writeFileSync(pk, new Uint8Array(k.data.buffer, k.data.byteOffset, k.data.byteLength));
        writeFileSync(pf, new Uint8Array(f.data.buffer, f.data.byteOffset, f.data.byteLength));
        np = JSON.parse(execFileSync('python3', ['-c', PY, pk, pf, String(n), String(f.cols), String(reps)], { encoding: 'utf8' }));
      }
      // warm-up (JIT): ≥ 150 ms on small problems of the same shape family, then one call on k. One call was
      // not enough: the first size (N = 100) then timed unoptimised code and GC of the warm-up (2–10× spread).
      const kw = kernelMatrix(80).k;
      for (const t0 = performance.now(); performance.now() - t0 < 150; ) lambdaMinCertified(kw);
      // Then ≥ 100 ms (≥ 3 calls) on k itself: with the WebAssembly kernels, 7 timed calls right after the
      // n = 80 warm-up still ran at 1.5 ms instead of 0.23 ms (N = 100; re-optimisation for the new size).
      let enclosure = lambdaMinCertified(k);
      for (let c = 0, t0 = performance.now(); c < 3 || performance.now() - t0 < 100; c++) enclosure = lambdaMinCertified(k);
      const tLam = timeIt(reps, () => {
        enclosure = lambdaMinCertified(k);
      });
      const b = enclosure.lower > 0 ? 0.5 * enclosure.lower : enclosure.lower;
      const tCert = timeIt(reps, () => {
        certifyLambdaMinAtLeast(k, b);
      });
      const work = new Float64Array(n * n);
      const tChol = timeIt(reps, () => {
        work.set(k.data);
        if (!choleskyInPlace(work, n).ok) throw new Error('bench: Cholesky failed');
      });
      const tGram = timeIt(Math.max(1, Math.min(reps, n >= 2000 ? 1 : reps)), () => {
        gram(f);
      });
      const add = (op: string, js: number, npKey: string | null) => {
        const ns = np && npKey ? np[npKey] : null;
        const row = { op, n, jsSeconds: js, numpySeconds: ns, ratio: ns ? js / ns : null };
        rows.push(row);
        log(
          `${op.padEnd(34)} N=${String(n).padStart(5)}  js ${js.toFixed(5)} s  numpy ${ns === null ? '   n/a ' : ns.toFixed(5) + ' s'}  ratio ${row.ratio === null ? 'n/a' : row.ratio.toFixed(2)}`,
        );
      };
      add('lambdaMinCertified vs eigvalsh', tLam, 'eigvalsh');
      add('certifyLambdaMinAtLeast vs eigvalsh', tCert, 'eigvalsh');
      add('choleskyInPlace vs cholesky', tChol, 'cholesky');
      add(`gram (d=${f.cols}) vs F@F.T`, tGram, 'gram');
      if (n <= denseMax)
        add(
          'eigvalsh (JS) vs eigvalsh',
          timeIt(Math.min(reps, 3), () => {
            eigvalsh(k);
          }),
          'eigvalsh',
        );
      const w = (enclosure.upper - enclosure.lower) / Math.abs(enclosure.estimate);
      log(
        `  enclosure [${enclosure.lower}, ${enclosure.upper}] rel.width ${w.toExponential(2)} ${enclosure.method} (${enclosure.factorizations} factorizations)` +
          (np
            ? `; numpy λ_min ${np.lambdaMin} ${np.lambdaMin >= enclosure.lower - 1e-12 && np.lambdaMin <= enclosure.upper + 1e-12 ? 'inside' : 'OUTSIDE'}`
            : ''),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sizes = process.argv[2] ? process.argv[2].split(',').map(Number) : undefined;
  runLinalgBench({ sizes, log: (l) => console.log(l) });
}
