import type { AnyTheorem } from '../theorem/types.ts';
import type { SearchOptions } from './search.ts';

/**
 * Turns a time budget into deterministic instance counts. A run must give the same numbers for a
 * seed and budget whatever the number of workers or shards, so the budget is never measured
 * against a clock: each theorem gets budget / (number of selected theorems) seconds, converted to
 * evaluations with its static `costHint` (evaluations per second on one core of the reference
 * machine). Minimums keep every phase meaningful at tiny budgets.
 *
 * Calibration (bench/costHints.ts, 2026-11-23, after the WebAssembly kernels): each hint is about half
 * the theorem's measured steady-state rate in a budget-240 search (the slowest claim where a factory
 * shares one hint); hints were left as they were where the measured rate was under about three times
 * the hint or where counts sit at their minimums (then fixed costs, not the hint, decide the time).
 * Re-calibrated the same day after the WebAssembly sampler and gradient-descent kernels (7 hints
 * raised), and again after the GD kernels' second pass (GD claims 4–6.5× their hints; 6 raised): a
 * budget-240 run's searches take 73 core-seconds, budget 60 evaluates 173,014 instances in 26 — a run
 * spends about a third of its nominal budget.
 */
export function searchCounts(theorem: AnyTheorem, budgetSeconds: number, selected: number): Omit<SearchOptions, 'seed'> {
  const perTheorem = budgetSeconds / Math.max(1, selected);
  const evals = Math.max(40, Math.round(perTheorem * (theorem.costHint ?? 200)));
  if (theorem.kind === 'high-probability') {
    const hpConfigs = Math.min(12, Math.max(3, Math.round(Math.sqrt(evals) / 6)));
    const hpDraws = Math.max(20, Math.min(2000, Math.floor(evals / hpConfigs)));
    return { numRuns: 0, hpConfigs, hpDraws, probeRuns: theorem.probes ? Math.max(5, Math.round(evals * 0.05)) : 0, claimsInRun: selected };
  }
  return {
    numRuns: Math.max(25, Math.round(evals * 0.6)),
    targetedSteps: theorem.mutate ? Math.max(12, Math.round(evals * 0.3)) : 0,
    probeRuns: theorem.probes ? Math.max(5, Math.round(evals * 0.1)) : 0,
    claimsInRun: selected,
  };
}

/** Minimal glob (`*` any run of characters, `?` one character, comma-separated alternatives). */
export function globToRegExp(glob: string): RegExp {
  const alts = glob.split(',').map((g) => g.trim()).filter(Boolean).map((g) => g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.'));
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
