import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toyClaim } from '../../test/support/toyClaim.ts';
import { childRng } from '../random/rng.ts';
import type { Evaluation, Theorem } from '../theorem/types.ts';
import { readArtifact } from './artifact.ts';
import { replayFile } from './replay.ts';
import { searchTheorem } from './search.ts';

type D = { [k: string]: unknown; x: number };
const u = 2 ** -53;

/** Toy claims over x ∈ [0, 1] with exact-enough arithmetic: x² ≤ c·x. True for c = 1, false for c = ½ (x > ½). */
function toy(id: string, c: number, extra: Partial<Theorem<D, number>> = {}): Theorem<D, number> {
  return toyClaim({
    id,
    title: `x² ≤ ${c}x on [0,1]`,
    kind: 'deterministic',
    statement: `x² ≤ ${c}x`,
    descriptors: fc.record({ x: fc.double({ min: 0, max: 1, noNaN: true }) }),
    materialize: (d) => d.x,
    assumptions: (x) => (x >= 0 && x <= 1 ? null : 'x ∈ [0,1]'),
    conclude: (x): Evaluation => ({ lhs: x * x, lhsError: u * x * x, rhs: c * x, rhsError: u * c * x, relation: '<=' }),
    mutate: (d, rng) => ({ x: Math.min(1, Math.max(0, d.x + 0.05 * (rng.next() - 0.5))) }),
    ...extra,
  });
}

describe('searchTheorem', () => {
  it('never reports a true claim violated', () => {
    const r = searchTheorem(toy('toy.true', 1), { seed: 's', numRuns: 300, targetedSteps: 100 });
    expect(r.status).toBe('holds');
    expect(r.counts.violated).toBe(0);
    expect(r.asExpected).toBe(true);
  });

  it('refutes a false claim, shrinks the counterexample and writes a replayable artifact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ntk-audit-'));
    const th = toy('toy.false', 0.5, { expectRefuted: true });
    const r = searchTheorem(th, { seed: 's', numRuns: 200, targetedSteps: 50, artifactsDir: dir });
    expect(r.status).toBe('violated');
    expect(r.asExpected).toBe(true);
    const smallest = r.counterexamples.smallest!,
      worst = r.counterexamples.worst!;
    // The claim fails exactly for x > ½; fast-check shrinks doubles toward 0, so the smallest failing x is just above ½.
    expect(smallest.descriptor.x as number).toBeGreaterThan(0.5);
    expect(smallest.descriptor.x as number).toBeLessThan(0.6);
    expect(worst.relativeMargin).toBeLessThanOrEqual(smallest.relativeMargin);
    expect(smallest.margin).toBeLessThan(-smallest.errorBound);
    // Phases: the 200 explored descriptors are 'random', the shrinker's new candidates 'shrink' (they were
    // once recorded as 'random': the phase switched only after fc.check had returned).
    const phases = (p: string) => r.records.filter((x) => x.phase === p).length;
    expect(phases('random')).toBeLessThanOrEqual(200);
    expect(r.fastCheck!.numShrinks!).toBeGreaterThan(0);
    expect(phases('shrink')).toBeGreaterThanOrEqual(r.fastCheck!.numShrinks!);
    const files = readdirSync(dir);
    expect(files.length).toBeGreaterThanOrEqual(1);
    for (const f of files) {
      const a = readArtifact(join(dir, f));
      expect(a.theoremId).toBe('toy.false');
      const rep = replayFile(join(dir, f), [th]);
      expect(rep.outcome.verdict).toBe('violated');
    }
  });

  it('is deterministic for a seed', () => {
    const a = searchTheorem(toy('toy.false', 0.5), { seed: 'det', numRuns: 100, targetedSteps: 40 });
    const b = searchTheorem(toy('toy.false', 0.5), { seed: 'det', numRuns: 100, targetedSteps: 40 });
    expect(JSON.stringify(a.records)).toBe(JSON.stringify(b.records));
    expect(a.counterexamples.smallest?.descriptor).toEqual(b.counterexamples.smallest?.descriptor);
  });

  it('finds by targeted search a violation that random sampling misses', () => {
    // Violated only on x ∈ (0.9, 0.9001): random draws almost never land there; hill-climbing on the margin does.
    const th: Theorem<D, number> = {
      ...toy('toy.narrow', 1),
      conclude: (x) => ({ lhs: -Math.abs(x - 0.90005), lhsError: 4 * u, rhs: -0.00005, rhsError: 4 * u, relation: '<=' }),
      descriptors: fc.record({ x: fc.double({ min: 0, max: 0.5, noNaN: true }) }),
      mutate: (d, rng) => ({ x: Math.min(1, Math.max(0, d.x + 0.3 * (rng.next() - 0.2) * rng.next() ** 3)) }),
    };
    const random = searchTheorem(th, { seed: 't', numRuns: 200, targetedSteps: 0 });
    expect(random.counts.violated).toBe(0);
    const targeted = searchTheorem(th, { seed: 't', numRuns: 200, targetedSteps: 4000 });
    expect(targeted.counts.violated).toBeGreaterThan(0);
    expect(targeted.status).toBe('violated');
  });

  it('reports a theorem that throws or returns NaN as an error and goes on', () => {
    const throwing = toy('toy.throws', 1, {
      conclude: () => {
        throw new Error('boom');
      },
    });
    const nan = toy('toy.nan', 1, { conclude: () => ({ lhs: NaN, lhsError: 0, rhs: 1, rhsError: 0, relation: '<=' }) });
    const results = [throwing, nan, toy('toy.after', 1)].map((t) => searchTheorem(t, { seed: 'e', numRuns: 20 }));
    expect(results[0].status).toBe('error');
    expect(results[0].errors[0].message).toMatch(/toy\.throws: conclusion threw: boom/);
    expect(results[1].status).toBe('error');
    expect(results[1].errors[0].message).toMatch(/NaN/);
    expect(results[2].status).toBe('holds');
  });

  it('high-probability claims: rejects a failure rate well above δ, accepts one below', () => {
    // Event "u ≥ p" for u uniform in [0,1): failure probability p.
    const hp = (id: string, p: number) =>
      toyClaim<{ [k: string]: unknown; seed: string; cfg: number }, number>({
        id,
        title: id,
        kind: 'high-probability',
        statement: 'toy',
        descriptors: fc.record({ seed: fc.integer({ min: 0, max: 1000 }).map(String), cfg: fc.constant(1) }),
        materialize: (d) => childRng(d.seed, 'u').next(),
        conclude: (x) => ({ lhs: x < p ? 1 : 0, lhsError: 0, rhs: 0.5, rhsError: 0, relation: '<=' }),
        delta: () => 0.1,
        configKey: (d) => String(d.cfg),
      });
    const bad = searchTheorem(hp('toy.hp.bad', 0.4), { seed: 'h', numRuns: 0, hpConfigs: 1, hpDraws: 200 });
    expect(bad.status).toBe('violated');
    expect(bad.highProbability!.configs[0].failureRateLower).toBeGreaterThan(0.1);
    const good = searchTheorem(hp('toy.hp.good', 0.05), { seed: 'h', numRuns: 0, hpConfigs: 1, hpDraws: 200 });
    expect(good.status).toBe('holds');
    expect(good.counterexamples.count).toBe(0);
  });
});
