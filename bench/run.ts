/**
 * `npm run bench`: speed targets as ratios against NumPy measured in the same run, on the same data
 * (never as timed tests). Targets (issue "certified engine"): certified λ_min ≤ 3× numpy eigvalsh at
 * N = 1000 and ≤ 1× for N ≤ 200; limiting NTK build (N = 2000, d = 100, L = 5) ≤ 2× NumPy.
 *
 *   npm run bench [-- --quick]
 */
import { runKernelBench } from './kernels.ts';
import { runLinalgBench } from './linalg.ts';

const quick = process.argv.includes('--quick');
const log = (s: string) => console.log(s);

log('# linear algebra (JS vs numpy/OpenBLAS, same matrices)');
const lin = runLinalgBench({ sizes: quick ? [100, 200, 400] : [100, 200, 400, 1000, 2000], log });
log('\n# kernel builds (JS vs vectorised NumPy, same data)');
const ker = runKernelBench({ sizes: quick ? [100, 500] : [100, 500, 1000, 2000], log });

const target = (label: string, ratio: number | null | undefined, limit: number) =>
  log(`${ratio === null || ratio === undefined ? '  n/a' : ratio <= limit ? '  met' : ' MISS'}  ${label}: ratio ${ratio === null || ratio === undefined ? 'n/a (no numpy)' : ratio.toFixed(2)} (target ≤ ${limit})`);
log('\n# targets');
const lam = (n: number) => lin.find((r) => r.op.startsWith('lambdaMinCertified') && r.n === n);
for (const n of [100, 200]) target(`certified λ_min vs eigvalsh, N = ${n}`, lam(n)?.ratio, 1);
if (!quick) target('certified λ_min vs eigvalsh, N = 1000', lam(1000)?.ratio, 3);
const ntk2000 = ker.find((r) => r.op.startsWith('limiting NTK') && r.n === 2000);
if (!quick) target('limiting NTK build, N = 2000, d = 100, L = 5', ntk2000?.ratio, 2);
