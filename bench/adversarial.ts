/**
 * Adversarial data search against i.i.d. search alone: for false bounds that fail only on structured data
 * (bench/adversarialBounds.ts), the median wall time to the FIRST certified counterexample (margin < −error
 * bound) of
 *   adversarial  the bound with `instances.geometry: 'adversarial'` (structured geometries in the random phase,
 *                the cross-entropy search over point coordinates in the targeted phase), audit budget 20;
 *   i.i.d.       the same bound on its i.i.d. space (random exploration + hill-climbing), given a budget of
 *                IID_BUDGET so that it usually gets there by luck (a run that does not is censored and
 *                counted as +∞ in the median: the ratio is then reported as a lower bound),
 * each over the same seeds (the i.i.d. search is also run at budget 20, to count how often luck suffices there), timed with performance.now() from the start of searchTheorem to the first
 * violation (the search is stopped there). Budgets are instance counts (searchOptionsFor), so each search
 * is deterministic in its seed; only the times vary. Target (README, Performance): ratio ≥ 5 and every
 * bound refuted by the adversarial search within budget 20 for every seed.
 *
 *   node --import tsx bench/adversarial.ts [--quick]
 */
import { pathToFileURL } from 'node:url';
import { searchOptionsFor } from '../src/audit/runAudit.ts';
import { searchTheorem } from '../src/search/search.ts';
import type { AnyTheorem } from '../src/theorem/types.ts';
import { structuredFalseBounds } from './adversarialBounds.ts';

const ADVERSARIAL_BUDGET = 20;
const IID_BUDGET = 400;

class FirstViolation extends Error {
  constructor(readonly evaluated: number) {
    super('first violation');
  }
}

/** Time (ms) and evaluations to the first certified violation, or null when the budget ran out without one. */
function timeToFirst(t: AnyTheorem, budget: number, seed: string): { ms: number; evaluated: number } | null {
  const opts = searchOptionsFor(t, budget, seed);
  const t0 = performance.now();
  try {
    searchTheorem(t, {
      ...opts,
      onProgress: (p) => {
        // worstRelativeMargin is over conclusive instances: negative only once some instance is violated
        if (p.worstRelativeMargin < 0) throw new FirstViolation(p.evaluated);
      },
    });
  } catch (e) {
    if (e instanceof FirstViolation) return { ms: performance.now() - t0, evaluated: e.evaluated };
    throw e;
  }
  return null;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export interface AdversarialBenchResult {
  /** median i.i.d. time / median adversarial time, over all bounds and seeds. */
  ratio: number;
  /** true when some i.i.d. run was censored (the ratio is then a lower bound). */
  ratioIsLowerBound: boolean;
  refuted: number;
  runs: number;
  /** i.i.d. searches at the adversarial budget that found a counterexample. */
  iidRefutedAtBudget: number;
}

export function runAdversarialBench(o: { seeds?: number; log?: (s: string) => void } = {}): AdversarialBenchResult {
  const log = o.log ?? console.log;
  const seeds = Array.from({ length: o.seeds ?? 7 }, (_, i) => String(i + 1));
  const adv = structuredFalseBounds('adversarial');
  const iid = structuredFalseBounds();
  // warm-up (JIT) on another seed
  for (let b = 0; b < adv.length; b++) {
    timeToFirst(adv[b], ADVERSARIAL_BUDGET, 'warm-up');
    timeToFirst(iid[b], IID_BUDGET, 'warm-up');
  }
  const allAdv: number[] = [],
    allIid: number[] = [];
  let refuted = 0,
    runs = 0,
    censored = false,
    iidAtBudget = 0;
  log(`  budgets: adversarial ${ADVERSARIAL_BUDGET}, i.i.d. ${IID_BUDGET} (instance counts of searchOptionsFor); ${seeds.length} seeds per bound`);
  log(
    `  ${'bound'.padEnd(36)} ${'adversarial: ms (evals)'.padStart(24)} ${'i.i.d.: ms (evals)'.padStart(22)}  ratio  refuted ≤ budget ${ADVERSARIAL_BUDGET}: adversarial, i.i.d.`,
  );
  for (let b = 0; b < adv.length; b++) {
    const a: number[] = [],
      ae: number[] = [],
      r: number[] = [],
      re: number[] = [];
    let ok = 0,
      iidOk = 0;
    for (const seed of seeds) {
      const x = timeToFirst(adv[b], ADVERSARIAL_BUDGET, seed);
      runs++;
      if (x) {
        ok++;
        refuted++;
      }
      a.push(x ? x.ms : Infinity);
      ae.push(x ? x.evaluated : Infinity);
      const y = timeToFirst(iid[b], IID_BUDGET, seed);
      if (!y) censored = true;
      r.push(y ? y.ms : Infinity);
      re.push(y ? y.evaluated : Infinity);
      if (timeToFirst(iid[b], ADVERSARIAL_BUDGET, seed)) iidOk++;
    }
    iidAtBudget += iidOk;
    allAdv.push(...a);
    allIid.push(...r);
    const ma = median(a),
      mi = median(r);
    log(
      `  ${adv[b].id.padEnd(36)} ${`${ma.toFixed(1)} (${median(ae)})`.padStart(24)} ${`${mi.toFixed(1)} (${median(re)})`.padStart(22)} ${(mi / ma).toFixed(1).padStart(6)}  ${ok}/${seeds.length}, ${iidOk}/${seeds.length}`,
    );
  }
  const ratio = median(allIid) / median(allAdv);
  log(
    `  median over ${allAdv.length} runs: adversarial ${median(allAdv).toFixed(1)} ms, i.i.d. ${median(allIid).toFixed(1)} ms (i.i.d. budget ${IID_BUDGET}${censored ? ', some runs censored' : ''}): ratio ${ratio.toFixed(1)}`,
  );
  return { ratio, ratioIsLowerBound: censored, refuted, runs, iidRefutedAtBudget: iidAtBudget };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) runAdversarialBench({ seeds: process.argv.includes('--quick') ? 3 : 7 });
