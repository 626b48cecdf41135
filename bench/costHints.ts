/**
 * Measures each catalog theorem's evaluation rate (instances per second of searchTheorem, one core,
 * steady state) and prints it next to the theorem's static `costHint`, which `--budget` uses to turn
 * seconds into instance counts (src/search/budget.ts). A ratio ≫ 1 means the hint is conservative
 * (a run uses less than its nominal budget); ≪ 1 means a run overruns it.
 *
 *   node --import tsx bench/costHints.ts [--budget S] [--theorem GLOB]
 *
 * Counts per theorem are those of `run --budget S` (default 240, the `npm run audit` budget); a
 * warm-up search with another seed runs first and is not timed. Nothing is written: updating the
 * hints changes every instance count and therefore the CI baseline (fixtures/baseline.json).
 */
import { pathToFileURL } from 'node:url';
import { catalog } from '../properties/index.ts';
import { searchCounts, selectTheorems } from '../src/search/budget.ts';
import { searchTheorem } from '../src/search/search.ts';

export interface CostHintRow {
  id: string;
  hint: number;
  measured: number;
  ratio: number;
  instances: number;
  seconds: number;
}

export function measureCostHints(opts: { budget?: number; theorem?: string; log?: (s: string) => void } = {}): CostHintRow[] {
  const budget = opts.budget ?? 240;
  const log = opts.log ?? (() => {});
  const selected = selectTheorems(catalog, opts.theorem ?? null);
  const rows: CostHintRow[] = [];
  log(`${'theorem'.padEnd(58)} ${'hint'.padStart(7)} ${'measured'.padStart(9)} ${'ratio'.padStart(6)} ${'inst'.padStart(6)} ${'s'.padStart(6)}`);
  for (const t of selected) {
    const counts = searchCounts(t, budget, catalog.length);
    searchTheorem(t, {
      ...counts,
      seed: 'cost-hints-warmup',
      numRuns: Math.min(counts.numRuns ?? 0, 20),
      targetedSteps: Math.min(counts.targetedSteps ?? 0, 10),
      probeRuns: Math.min(counts.probeRuns ?? 0, 5),
      hpDraws: Math.min(counts.hpDraws ?? 0, 10),
      hpConfigs: Math.min(counts.hpConfigs ?? 0, 2),
    });
    const t0 = performance.now();
    const r = searchTheorem(t, { ...counts, seed: 'cost-hints' });
    const seconds = (performance.now() - t0) / 1000;
    const hint = t.costHint ?? 200;
    const measured = r.evaluated / seconds;
    const row = { id: t.id, hint, measured, ratio: measured / hint, instances: r.evaluated, seconds };
    rows.push(row);
    log(
      `${t.id.padEnd(58)} ${hint.toFixed(0).padStart(7)} ${measured.toFixed(0).padStart(9)} ${row.ratio.toFixed(2).padStart(6)} ${String(r.evaluated).padStart(6)} ${seconds.toFixed(2).padStart(6)}`,
    );
  }
  const total = rows.reduce((s, r) => s + r.seconds, 0);
  const nominal = (budget * rows.length) / catalog.length;
  log(`# ${rows.length} theorems: ${total.toFixed(1)} core-seconds for a nominal ${nominal.toFixed(0)} (budget ${budget} s over ${catalog.length} theorems)`);
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  measureCostHints({ budget: arg('--budget') ? Number(arg('--budget')) : undefined, theorem: arg('--theorem'), log: (s) => console.log(s) });
}
