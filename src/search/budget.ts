import type { AnyTheorem } from '../theorem/types.ts';
import { scalingDraws } from './scaling.ts';
import type { SearchOptions } from './search.ts';

/**
 * The claims a budget is shared among: a budget of B seconds gives EVERY claim the effort of B/64
 * reference seconds (its `costHint` evaluations per second), whatever the catalog holds and whatever a
 * run selects. So a claim's counts — and its result for a seed — depend on (claim, seed, budget) only:
 * adding a claim changes no other claim's result, and `--theorem X` reproduces X's part of a full run.
 * (64 ≈ the size of the catalog when budgets were calibrated; a full run now takes budget × claims/64 of
 * reference time, about a third of that in practice — see below.)
 */
export const BUDGET_SHARES = 64;

/**
 * Turns a time budget into deterministic instance counts. A run must give the same numbers for a
 * seed and budget whatever the number of workers or shards, so the budget is never measured
 * against a clock: each theorem gets budget / BUDGET_SHARES seconds, converted to evaluations with
 * its static `costHint` (evaluations per second on one core of the reference machine). Minimums keep
 * every phase meaningful at tiny budgets. `claimsInRun` is the number of claims of the catalog the run
 * draws from: it sets the Bonferroni correction of the statistical tests (high-probability rate tests,
 * scaling fits) — the whole catalog, so that a filtered run tests at the same, conservative level.
 *
 * Calibration (bench/costHints.ts, 2026-11-23, after the WebAssembly kernels): each hint is about half
 * the theorem's measured steady-state rate in a budget-240 search (the slowest claim where a factory
 * shares one hint); hints were left as they were where the measured rate was under about three times
 * the hint or where counts sit at their minimums (then fixed costs, not the hint, decide the time).
 * A budget-240 run of the 63-claim catalog spent 73 core-seconds in its searches — about a third of its
 * nominal budget.
 */
export function searchCounts(theorem: AnyTheorem, budgetSeconds: number, claimsInRun: number): Omit<SearchOptions, 'seed'> {
  const perTheorem = budgetSeconds / BUDGET_SHARES;
  const evals = Math.max(40, Math.round(perTheorem * (theorem.costHint ?? 200)));
  if (theorem.kind === 'high-probability') {
    const hpConfigs = Math.min(12, Math.max(3, Math.round(Math.sqrt(evals) / 6)));
    const hpDraws = Math.max(20, Math.min(2000, Math.floor(evals / hpConfigs)));
    return { numRuns: 0, hpConfigs, hpDraws, probeRuns: theorem.probes ? Math.max(5, Math.round(evals * 0.05)) : 0, claimsInRun };
  }
  if (theorem.scalingLaw) {
    // numRuns: the sweep's size (regimes × sizes × draws), for progress and planning
    const law = theorem.scalingLaw,
      draws = scalingDraws(law, evals);
    return { numRuns: draws * law.sizes.length * law.regimes.length, scalingDraws: draws, probeRuns: 0, claimsInRun };
  }
  return {
    numRuns: Math.max(25, Math.round(evals * 0.6)),
    ...targetedCounts(theorem, evals),
    probeRuns: theorem.probes ? Math.max(5, Math.round(evals * 0.1)) : 0,
    claimsInRun,
  };
}

/** Minimal glob (`*` any run of characters, `?` one character, comma-separated alternatives). */
export function globToRegExp(glob: string): RegExp {
  const alts = glob
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean)
    .map((g) =>
      g
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.'),
    );
  return new RegExp(`^(?:${alts.join('|')})$`);
}

export function selectTheorems<T extends { id: string }>(catalog: readonly T[], filter?: string | null): T[] {
  if (!filter) return [...catalog];
  const re = globToRegExp(filter);
  return catalog.filter((t) => re.test(t.id));
}

/** Deterministic shard k of n (1-based k): theorem i (in catalog order) belongs to shard (i mod n) + 1. */
export function shardOf<T>(items: readonly T[], shard: { index: number; count: number } | null): T[] {
  if (!shard) return [...items];
  return items.filter((_, i) => i % shard.count === shard.index - 1);
}

/**
 * The targeted phases' share of a budget of `evals` evaluations (30 %): hill-climbing with the theorem's local
 * moves, and for a theorem that exposes its data points (defineBound spaces with `geometry`) half of it to the
 * search over point coordinates (src/search/adversarial.ts).
 */
export function targetedCounts(theorem: AnyTheorem, evals: number): { targetedSteps: number; pointSteps?: number } {
  const targeted = theorem.mutate ? Math.max(12, Math.round(evals * 0.3)) : 0;
  if (!theorem.points) return { targetedSteps: targeted };
  const points = Math.max(12, Math.round(evals * 0.15));
  return { targetedSteps: Math.max(0, targeted - points), pointSteps: points };
}
