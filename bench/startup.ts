/**
 * Start-up and one-shot benchmark of the installed command (bin/ntk-audit.mjs running the compiled
 * dist/, as `npx ntk-audit` does), against NumPy in the same run:
 *
 * - start-up: `ntk-audit --help`, wall time of the whole process (and of `node -e 0` for reference);
 * - one-shot kernel: `ntk-audit kernel limiting --data X.npy` on N = 1000 points in d = 100 (depth 2,
 *   the command's default: load, limiting NTK, certified λ_min, λ_max, trace) against a NumPy script
 *   doing load + the same kernel recursion + eigvalsh, each timed as a whole process.
 *
 * The two commands alternate and each figure is a median over `reps` runs, so a ratio compares runs
 * taken under the same load. dist/ is rebuilt first (`npm run build`, incremental) so that the
 * figures are those of the current sources.
 *
 *   node --import tsx bench/startup.ts
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { matrixToNpyBuffer } from '../src/io/npy.ts';
import { sampleData } from '../src/random/distributions.ts';
import { createRng } from '../src/random/rng.ts';
import { median, numpyAvailable } from './timing.ts';
import { NUMPY_LIMITING_NTK } from './numpyReference.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin/ntk-audit.mjs');

/** The NumPy one-shot: load the .npy, limiting NTK (bench/numpyReference.ts), eigvalsh, print. */
const PY = `
import sys
import numpy as np
${NUMPY_LIMITING_NTK}
X = np.load(sys.argv[1]); L = int(sys.argv[2])
K = ntk(X, L)
w = np.linalg.eigvalsh(K)
print(w[0], w[-1], np.trace(K))
`;

export interface StartupBenchResult {
  nodeSeconds: number;
  helpSeconds: number;
  kernelSeconds: number;
  numpySeconds: number | null;
  /** kernelSeconds / numpySeconds */
  ratio: number | null;
}

function wall(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const t = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.split('\n')[0]}`);
  return t;
}

export function runStartupBench(opts: { reps?: number; n?: number; d?: number; depth?: number; log?: (s: string) => void } = {}): StartupBenchResult {
  const reps = opts.reps ?? 7,
    n = opts.n ?? 1000,
    d = opts.d ?? 100,
    depth = opts.depth ?? 2;
  const log = opts.log ?? (() => {});
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'ignore' });
  const numpy = numpyAvailable();
  const dir = mkdtempSync(join(tmpdir(), 'ntk-startup-'));
  try {
    const file = join(dir, `x${n}.npy`);
    writeFileSync(file, matrixToNpyBuffer(sampleData(createRng(`startup-${n}`), { family: 'gaussian' }, n, d)));
    const node: number[] = [],
      help: number[] = [],
      kernel: number[] = [],
      py: number[] = [];
    // one untimed round: file-system caches and Python's imports warm on both sides
    wall(process.execPath, [BIN, 'kernel', 'limiting', '--data', file, '--depth', String(depth)]);
    if (numpy) wall('python3', ['-c', PY, file, String(depth)]);
    for (let r = 0; r < reps; r++) {
      node.push(wall(process.execPath, ['-e', '0']));
      help.push(wall(process.execPath, [BIN, '--help']));
      kernel.push(wall(process.execPath, [BIN, 'kernel', 'limiting', '--data', file, '--depth', String(depth)]));
      if (numpy) py.push(wall('python3', ['-c', PY, file, String(depth)]));
    }
    const res: StartupBenchResult = {
      nodeSeconds: median(node),
      helpSeconds: median(help),
      kernelSeconds: median(kernel),
      numpySeconds: numpy ? median(py) : null,
      ratio: null,
    };
    res.ratio = res.numpySeconds ? res.kernelSeconds / res.numpySeconds : null;
    log(`start-up   ntk-audit --help ${res.helpSeconds.toFixed(3)} s  (node -e 0: ${res.nodeSeconds.toFixed(3)} s)  median of ${reps}`);
    log(
      `one-shot   ntk-audit kernel limiting, N=${n} d=${d} L=${depth}: ${res.kernelSeconds.toFixed(3)} s  numpy load+kernel+eigvalsh ${res.numpySeconds === null ? 'n/a' : `${res.numpySeconds.toFixed(3)} s`}  ratio ${res.ratio === null ? 'n/a' : res.ratio.toFixed(2)}`,
    );
    return res;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runStartupBench({ log: (s) => console.log(s) });
}
