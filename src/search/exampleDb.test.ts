import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toyClaim } from '../../test/support/toyClaim.ts';
import type { Evaluation, Theorem } from '../theorem/types.ts';
import { examplesFor, MAX_EXAMPLES, readCachedExamples, saveExamples } from './exampleDb.ts';
import { searchTheorem } from './search.ts';

type D = { [k: string]: unknown; k: number };

/** A claim false at exactly one integer of [0, 10^9]: random search misses it, a saved example does not. */
const needle = toyClaim<D, number>({
  id: 'toy.needle',
  kind: 'deterministic',
  statement: 'k ≠ 123456789',
  descriptors: fc.record({ k: fc.integer({ min: 0, max: 1e9 }) }),
  materialize: (d) => d.k,
  conclude: (k): Evaluation => ({ lhs: Math.abs(k - 123456789), lhsError: 0, rhs: 0, rhsError: 0, relation: '>' }),
});

describe('example database', () => {
  it('a saved counterexample is replayed first and refutes the claim the random search cannot', () => {
    const without = searchTheorem(needle, { seed: 's', numRuns: 200 });
    expect(without.status).toBe('holds');
    const withEx = searchTheorem(needle, { seed: 's', numRuns: 200, examples: [{ k: 5 }, { k: 123456789 }] });
    expect(withEx.status).toBe('violated');
    expect(withEx.examples).toMatchObject({ replayed: 2, violated: 1 });
    expect(withEx.counterexamples.first?.foundBy).toBe('example');
    expect(withEx.examples!.save[0]).toMatchObject({ descriptor: { k: 123456789 }, role: 'counterexample' });
    // and the near-misses offered are the smallest margins among the instances that held
    const nm = without.records
      .filter((r) => r.verdict === 'holds')
      .map((r) => r.relativeMargin)
      .sort((a, b) => a - b);
    const noEx = searchTheorem(needle, { seed: 's', numRuns: 200, examples: [] });
    expect(noEx.examples!.save.map((e) => e.relativeMargin)).toEqual(nm.slice(0, 4));
  });

  it('a cached descriptor the claim cannot evaluate (an older descriptor shape) is skipped, not an error, and is dropped from the cache', () => {
    // materialize reads d.k.toFixed: a stale entry without `k` throws inside the claim
    const strict: Theorem<D, number> = { ...needle, id: 'toy.strict', materialize: (d) => Number(d.k.toFixed(0)) };
    const run = searchTheorem(strict, { seed: 's', numRuns: 50, examples: [{ kk: 3 } as unknown as D, { k: 5 }] });
    expect(run.errors).toEqual([]);
    expect(run.status).toBe('holds');
    expect(run.examples!.replayed).toBe(2);
    expect(run.examples!.skipped.map((e) => e.descriptor)).toEqual([{ kk: 3 }]);
    expect(run.examples!.skipped[0].message).toMatch(/materialize threw/);
    // the generator's own errors are still the claim's errors
    const broken: Theorem<D, number> = {
      ...needle,
      id: 'toy.broken',
      materialize: () => {
        throw new Error('boom');
      },
    };
    expect(searchTheorem(broken, { seed: 's', numRuns: 5, examples: [] }).status).toBe('error');
    const dir = mkdtempSync(join(tmpdir(), 'ntk-exdb-'));
    saveExamples(dir, 'toy.strict', [
      { descriptor: { kk: 3 }, role: 'near-miss', relativeMargin: 0.1 },
      { descriptor: { k: 5 }, role: 'near-miss', relativeMargin: 0.2 },
    ]);
    saveExamples(dir, 'toy.strict', [], [{ kk: 3 }]);
    expect(readCachedExamples(dir, 'toy.strict').entries.map((e) => e.descriptor)).toEqual([{ k: 5 }]);
  });

  it('saves, merges, ranks counterexamples first, caps, and survives a damaged file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ntk-ex-'));
    saveExamples(dir, 'c', [{ descriptor: { k: 1 }, role: 'near-miss', relativeMargin: 0.5 }]);
    saveExamples(dir, 'c', [
      { descriptor: { k: 2 }, role: 'near-miss', relativeMargin: 0.1 },
      { descriptor: { k: 3 }, role: 'counterexample', relativeMargin: -0.2 },
      { descriptor: { k: 1 }, role: 'near-miss', relativeMargin: 0.5 },
    ]);
    expect(readCachedExamples(dir, 'c').entries.map((e) => e.descriptor.k)).toEqual([3, 2, 1]);
    saveExamples(
      dir,
      'c',
      Array.from({ length: 30 }, (_, i) => ({ descriptor: { k: 100 + i }, role: 'near-miss' as const, relativeMargin: i / 100 })),
    );
    const kept = readCachedExamples(dir, 'c').entries;
    expect(kept).toHaveLength(MAX_EXAMPLES);
    expect(kept[0].descriptor.k).toBe(3);
    // fixtures first, then the cache, without duplicates
    const fixtures = new Map([['c', [{ k: 2 }, { k: 999 }]]]);
    expect(examplesFor('c', fixtures, dir).descriptors.slice(0, 3)).toEqual([{ k: 2 }, { k: 999 }, { k: 3 }]);
    writeFileSync(join(dir, 'c.json'), '{"format": "ntk-audit/examples", "version": 1, "theoremId": "c", "entries": [{"descr');
    const damaged = examplesFor('c', fixtures, dir);
    expect(damaged.descriptors).toEqual([{ k: 2 }, { k: 999 }]);
    expect(damaged.warnings[0]).toMatch(
      /^example database: .*c\.json ignored \([^\n]*\); it is not overwritten: the next save renames it to c\.json\.corrupt \(or the next free \.corrupt-N\)$/,
    );
    // the next save keeps the damaged file (renamed, byte for byte) and writes a new one
    const bad = readFileSync(join(dir, 'c.json'), 'utf8');
    expect(saveExamples(dir, 'c', [{ descriptor: { k: 7 }, role: 'near-miss', relativeMargin: 0.3 }])).toEqual({ movedAside: join(dir, 'c.json.corrupt') });
    expect(readFileSync(join(dir, 'c.json.corrupt'), 'utf8')).toBe(bad);
    expect(JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8')).entries).toEqual([{ descriptor: { k: 7 }, role: 'near-miss', relativeMargin: 0.3 }]);
    // a second damaged file does not replace the first one kept
    writeFileSync(join(dir, 'c.json'), '[]');
    expect(saveExamples(dir, 'c', [{ descriptor: { k: 8 }, role: 'near-miss', relativeMargin: 0.4 }]).movedAside).toBe(join(dir, 'c.json.corrupt-2'));
    expect(readFileSync(join(dir, 'c.json.corrupt'), 'utf8')).toBe(bad);
    expect(readFileSync(join(dir, 'c.json.corrupt-2'), 'utf8')).toBe('[]');
  });
});

describe('catalog counterexamples as .npy', () => {
  it('every float64 matrix of a counterexample instance is written next to its JSON, and reads back exactly', async () => {
    const { catalog } = await import('../../properties/index.ts');
    const { parseNpy } = await import('../io/npy.ts');
    const { readdirSync } = await import('node:fs');
    const theorem = catalog.find((t) => t.id === 'planted.hinf.gershgorin-reversed')!;
    const dir = mkdtempSync(join(tmpdir(), 'ntk-npy-'));
    const run = searchTheorem(theorem, { seed: 'npy', numRuns: 30, artifactsDir: dir });
    expect(run.status).toBe('violated');
    const files = readdirSync(dir);
    const jsons = files.filter((f) => f.endsWith('.json'));
    expect(jsons.length).toBeGreaterThan(0);
    for (const j of jsons) {
      const npy = files.filter((f) => f.startsWith(j.replace(/\.json$/, '.')) && f.endsWith('.npy'));
      expect(npy.length, j).toBeGreaterThan(0);
      const a = JSON.parse(readFileSync(join(dir, j), 'utf8'));
      const decoded = (await import('./artifact.ts')).decodeArtifactInstance(theorem, a) as Record<string, { rows: number; cols: number; data: Float64Array }>;
      for (const f of npy) {
        const field = f.slice(j.length - 4, -4);
        const m = parseNpy(readFileSync(join(dir, f)), f);
        expect(Array.from(m.data)).toEqual(Array.from(decoded[field].data));
        expect([m.rows, m.cols]).toEqual([decoded[field].rows, decoded[field].cols]);
      }
    }
  });
});
