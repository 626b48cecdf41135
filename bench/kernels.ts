/**
 * Kernel-build benchmark: limiting NTK (nmm, ReLU; fold over layers) and H∞ against a vectorised
 * NumPy implementation of the same recursion on the SAME data, in the same run.
 *
 *   node --import tsx bench/kernels.ts
 *
 * The NumPy reference (below, the benchmark's own script) uses the plain arccos(clip(cos)) form —
 * the usual notebook implementation; ntk-audit computes angles without cancellation, which costs
 * a little more per entry. Times are medians; compare only figures taken in one run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hInfinity } from '../src/ntk/hInfinity.ts';
import { limitingKernels } from '../src/ntk/limiting.ts';
import { sampleData } from '../src/random/distributions.ts';
import { createRng } from '../src/random/rng.ts';
import { numpyAvailable, timeIt } from './timing.ts';
import { NUMPY_LIMITING_NTK } from './numpyReference.ts';

export interface KernelBenchRow {
  op: string;
  n: number;
  d: number;
  depth: number;
  jsSeconds: number;
  numpySeconds: number | null;
  ratio: number | null;
}

const PY = `
import sys, time, json
import numpy as np
path, n, d, depth, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
X = np.fromfile(path, dtype=np.float64).reshape(n, d)
${NUMPY_LIMITING_NTK}
def hinf(X):
    G = X @ X.T
    nrm = np.sqrt(np.diag(G))
    th = np.arccos(np.clip(G / np.outer(nrm, nrm), -1.0, 1.0))
    return G * (np.pi - th) / (2 * np.pi)
out = {}
for name, f in (("ntk", lambda: ntk(X, depth)), ("hinf", lambda: hinf(X))):
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); f(); ts.append(time.perf_counter() - t0)
    out[name] = sorted(ts)[len(ts) // 2]
print(json.dumps(out))
`;

export function runKernelBench(opts: { sizes?: number[]; d?: number; depth?: number; reps?: number; log?: (s: string) => void } = {}): KernelBenchRow[] {
  const sizes = opts.sizes ?? [100, 500, 1000, 2000];
  const d = opts.d ?? 100,
    depth = opts.depth ?? 5;
  const log = opts.log ?? (() => {});
  const numpy = numpyAvailable();
  const dir = mkdtempSync(join(tmpdir(), 'ntk-bench-'));
  const rows: KernelBenchRow[] = [];
  try {
    for (const n of sizes) {
      const reps = opts.reps ?? (n <= 500 ? 7 : 3);
      const x = sampleData(createRng(`bench-${n}`), { family: 'sqrt-d-sphere' }, n, d);
      const time = (f: () => void) => timeIt(reps, f);
      limitingKernels(x, { depth }); // warm-up (JIT)
      const jsNtk = time(() => limitingKernels(x, { depth }));
      const jsH = time(() => hInfinity(x));
      let py: { ntk: number; hinf: number } | null = null;
      if (numpy) {
        const f = join(dir, `x${n}.bin`);
        writeFileSync(f, new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength));
        py = JSON.parse(execFileSync('python3', ['-c', PY, f, String(n), String(d), String(depth), String(reps)], { encoding: 'utf8' })) as {
          ntk: number;
          hinf: number;
        };
      }
      for (const [op, js, np] of [
        [`limiting NTK (L=${depth})`, jsNtk, py?.ntk ?? null],
        ['H∞', jsH, py?.hinf ?? null],
      ] as const) {
        const row = { op, n, d, depth, jsSeconds: js, numpySeconds: np, ratio: np ? js / np : null };
        rows.push(row);
        log(
          `${op.padEnd(20)} N=${String(n).padStart(5)} d=${d}  js ${js.toFixed(4)} s  numpy ${np === null ? '   n/a' : np.toFixed(4) + ' s'}  ratio ${row.ratio === null ? 'n/a' : row.ratio.toFixed(2)}`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runKernelBench({ log: (s) => console.log(s) });
}
