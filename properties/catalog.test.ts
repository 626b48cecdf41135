import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import { searchCounts, selectTheorems } from '../src/search/budget.ts';
import { replayFile } from '../src/search/replay.ts';
import { replayScalingEvidenceFile } from '../src/search/scalingEvidence.ts';
import { searchTheorem } from '../src/search/search.ts';
import { fastCheckSeed } from '../src/search/seeds.ts';
import { evaluate } from '../src/theorem/verdict.ts';
import { catalog } from './index.ts';

/**
 * The whole catalog as property tests at a CI budget:
 *  - every true claim runs through @fast-check/vitest and is never `violated` on generated instances;
 *  - every claim runs through the full search (random + shrinking + targeted + probes): true claims
 *    end `holds` with no counterexample, planted or known-false ones end `violated` with a certified
 *    artifact that replays to `violated` without the generator.
 * CATALOG_FILTER (a glob over theorem ids) narrows the run; CATALOG_BUDGET (seconds) scales it.
 */
const theorems = selectTheorems(catalog, process.env.CATALOG_FILTER ?? null);
const budget = Number(process.env.CATALOG_BUDGET ?? 40);
const SEED = 'ci';

describe('catalog', () => {
  it('has unique ids and complete metadata', () => {
    const ids = new Set<string>();
    for (const t of catalog) {
      expect(ids.has(t.id), `duplicate id ${t.id}`).toBe(false);
      ids.add(t.id);
      expect(t.source.statement.length).toBeGreaterThan(0);
      expect(Object.keys(t.conventions).length).toBeGreaterThan(0);
      for (const c of t.constants) expect(['paper', 'derived', 'user', 'fitted']).toContain(c.provenance);
    }
  });

  it('every true claim has a planted twin naming it (twinOf), and every twin names a true claim', () => {
    const trueIds = new Set(catalog.filter((t) => !t.expectRefuted).map((t) => t.id));
    const twinned = new Set<string>();
    for (const t of catalog) {
      if (t.twinOf === undefined) continue;
      expect(t.expectRefuted, `${t.id} names a twin but is not expected to be refuted`).toBe(true);
      expect(trueIds.has(t.twinOf), `${t.id}: twinOf ${t.twinOf} is not a true claim of the catalog`).toBe(true);
      twinned.add(t.twinOf);
    }
    expect([...trueIds].filter((id) => !twinned.has(id))).toEqual([]);
  });

  it('asymptotic claims with a scaling law state a sweep of at least a decade and a tolerance', () => {
    for (const t of catalog.filter((x) => x.scalingLaw)) {
      const l = t.scalingLaw!;
      expect(Math.max(...l.sizes) / Math.min(...l.sizes), t.id).toBeGreaterThanOrEqual(10);
      expect(l.tolerance ?? 0.1, t.id).toBeLessThanOrEqual(0.15);
    }
  });
});

for (const theorem of theorems) {
  describe(theorem.id, () => {
    if (!theorem.expectRefuted && theorem.kind !== 'high-probability') {
      test.prop([theorem.descriptors], { numRuns: 15, seed: fastCheckSeed(SEED, theorem.id, 'vitest') })('is never violated on generated instances', (d) => {
        expect(evaluate(theorem, d).outcome.verdict).not.toBe('violated');
      });
    }

    it(theorem.expectRefuted ? 'is refuted by the search with a replayable certified counterexample' : 'holds under the search', () => {
      const dir = mkdtempSync(join(tmpdir(), 'ntk-audit-cx-'));
      const run = searchTheorem(theorem, { seed: SEED, ...searchCounts(theorem, budget, catalog.length), artifactsDir: dir });
      expect(run.errors, JSON.stringify(run.errors.slice(0, 2))).toEqual([]);
      if (theorem.scalingLaw) {
        // judged by the fitted exponent: a refutation leaves the sweep as evidence that replays to `violated`
        expect(run.status, JSON.stringify(run.scaling?.regimes)).toBe(theorem.expectRefuted ? 'violated' : 'holds');
        if (theorem.expectRefuted) expect(replayScalingEvidenceFile(run.scaling!.evidencePath!, catalog).status).toBe('violated');
      } else if (theorem.expectRefuted) {
        expect(run.status).toBe('violated');
        const files = readdirSync(dir).filter((f) => f.endsWith('.json')); // the .npy data files sit beside them
        expect(files.length).toBeGreaterThan(0);
        for (const f of files) expect(replayFile(join(dir, f), catalog).outcome.verdict).toBe('violated');
      } else {
        expect(run.counterexamples.count, JSON.stringify(run.counterexamples.smallest?.descriptor)).toBe(0);
        expect(run.status).toBe('holds');
        // tested where it could fail: at most 10 % of the conclusive instances are vacuous
        expect(run.vacuity?.rate ?? 0, `vacuity ${JSON.stringify(run.vacuity)}`).toBeLessThanOrEqual(0.1);
      }
    });
  });
}
