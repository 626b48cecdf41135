/**
 * `npm run bench`: speed and memory targets as ratios against NumPy measured in the same run, on
 * the same data (never as timed tests). Targets (issues "certified engine" and "reliability"):
 * certified λ_min ≤ 3× numpy eigvalsh at N = 1000 and ≤ 1× for N ≤ 200; limiting NTK build
 * (N = 2000, d = 100, L = 5) ≤ 2× NumPy; end-to-end throughput ≥ 1× a NumPy notebook doing the
 * same checks; peak memory of limiting NTK + certified λ_min at N = 4000 ≤ 3 N×N matrices; the
 * installed command's start-up (`ntk-audit --help`) ≤ 0.3 s and a one-shot `ntk-audit kernel` on
 * N = 1000 points ≤ 1.5× a NumPy script doing load + kernel + eigvalsh (bench/startup.ts); the adversarial
 * data search reaches the first certified counterexample of bounds false only on structured data ≥ 5× sooner
 * than i.i.d. search alone, and refutes each within budget 20 (bench/adversarial.ts).
 *
 *   npm run bench [-- --quick]
 */
import { runAdversarialBench } from './adversarial.ts';
import { runGrowthBench } from './growth.ts';
import { runKernelBench } from './kernels.ts';
import { runLinalgBench } from './linalg.ts';
import { runMemoryBench } from './memory.ts';
import { runStartupBench } from './startup.ts';
import { runThroughputBench } from './throughput.ts';

const quick = process.argv.includes('--quick');
const log = (s: string) => console.log(s);

log('# the command: start-up and a one-shot kernel, whole processes (compiled dist/, rebuilt first)');
const start = runStartupBench({ reps: quick ? 3 : 7, log });
log('\n# linear algebra (JS vs numpy/OpenBLAS, same matrices)');
const lin = runLinalgBench({ sizes: quick ? [100, 200, 400] : [100, 200, 400, 1000, 2000], log });
log('\n# kernel builds (JS vs vectorised NumPy, same data)');
const ker = runKernelBench({ sizes: quick ? [100, 500] : [100, 500, 1000, 2000], log });
log('\n# end-to-end throughput (catalog searches vs a NumPy notebook doing the same checks)');
const thr = runThroughputBench({ runs: quick ? 1 : 3, log });
log('\n# adversarial data search: time to the first certified counterexample of bounds false only on structured data');
const adv = runAdversarialBench({ seeds: quick ? 3 : 7, log });
log('\n# cost growth (log-log fits with 95% intervals)');
runGrowthBench({ quick, log });
let mem: ReturnType<typeof runMemoryBench> | null = null;
let memKeep: ReturnType<typeof runMemoryBench> | null = null;
if (!quick) {
  log('\n# peak memory (limiting NTK + certified λ_min, N = 4000, d = 100, L = 5; fresh child processes)');
  // The memory-conscious use: only K is kept and the NNGP's buffer is lent to λ_min as its work array.
  mem = runMemoryBench({ keepNngp: false, log });
  // For reference: a caller that keeps both kernels alive needs one more matrix.
  memKeep = runMemoryBench({ keepNngp: true, log });
}

const target = (label: string, ratio: number | null | undefined, limit: number, atLeast = false) => {
  const ok = ratio === null || ratio === undefined ? null : atLeast ? ratio >= limit : ratio <= limit;
  log(
    `${ok === null ? '  n/a' : ok ? '  met' : ' MISS'}  ${label}: ${ratio === null || ratio === undefined ? 'n/a (no numpy)' : ratio.toFixed(2)} (target ${atLeast ? '≥' : '≤'} ${limit})`,
  );
};
log('\n# targets');
target('start-up, ntk-audit --help, seconds', start.helpSeconds, 0.3);
target('one-shot ntk-audit kernel limiting (N = 1000, d = 100) / NumPy load + kernel + eigvalsh', start.ratio, 1.5);
const lam = (n: number) => lin.find((r) => r.op.startsWith('lambdaMinCertified') && r.n === n);
for (const n of [100, 200]) target(`certified λ_min / eigvalsh, N = ${n}`, lam(n)?.ratio, 1);
if (!quick) target('certified λ_min / eigvalsh, N = 1000', lam(1000)?.ratio, 3);
const ntk2000 = ker.find((r) => r.op.startsWith('limiting NTK') && r.n === 2000);
if (!quick) target('limiting NTK build / NumPy, N = 2000, d = 100, L = 5', ntk2000?.ratio, 2);
// The OVERALL row over the claims the NumPy harness replicates (it has a ratio); the other OVERALL row has none.
const overall = thr.find((r) => r.family === 'OVERALL' && r.ratio !== null);
target('throughput ntk-audit / NumPy notebook (claims both implement, warm pass)', overall?.ratio ?? null, 1, true);
const cold = thr.find((r) => r.family === 'OVERALL-COLD');
if (cold) log(`        (cold pass, JIT compilation included: ${cold.ratio === null ? 'n/a' : cold.ratio.toFixed(2)})`);
target(
  `adversarial search: median time to first certified counterexample, i.i.d. / adversarial${adv.ratioIsLowerBound ? ' (lower bound: some i.i.d. runs censored)' : ''}`,
  adv.ratio,
  5,
  true,
);
log(
  `${adv.refuted === adv.runs ? '  met' : ' MISS'}  adversarial search refutes every structured false bound within budget 20: ${adv.refuted}/${adv.runs} runs (i.i.d. alone: ${adv.iidRefutedAtBudget}/${adv.runs})`,
);
if (mem) target('peak memory above baseline, N×N matrices (K kept, NNGP buffer lent as work)', mem.peakRssAboveBaseline, 3);
if (memKeep) log(`  (with the NNGP also kept alive: ${memKeep.peakRssAboveBaseline.toFixed(2)} N×N matrices)`);
