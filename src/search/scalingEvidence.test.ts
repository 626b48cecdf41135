import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toyThetaClaim } from '../../test/support/toyClaim.ts';
import type { Evaluation, Theorem } from '../theorem/types.ts';
import { parseScalingEvidence, replayScalingEvidenceFile } from './scalingEvidence.ts';
import { searchTheorem } from './search.ts';

type D = { [k: string]: unknown; x: number; seed: string; bad: boolean };

/** Deterministic noise in [−1, 1] from a string (FNV-1a). */
function noise(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return (h / 2 ** 32) * 2 - 1;
}

/**
 * y = x^1.5·e^{0.01u}, claimed Θ(x^1): refuted in every regime that has all its draws. In regime B one
 * draw breaks the assumptions (unusable), so the run leaves B inconclusive whatever its slope.
 */
const toy = toyThetaClaim<D>('toy.scaling', {
  descriptors: fc.constant({ x: 10, seed: 's', bad: false }),
  assumptions: (d) => (d.bad ? 'bad draw' : null),
  conclude: (d): Evaluation => ({ lhs: d.x ** 1.5 * Math.exp(0.01 * noise(d.seed)), lhsError: 0, rhs: 0, rhsError: 0, relation: '>', quantities: { x: d.x } }),
  regimes: ['A', 'B'],
  design: (p) => ({ x: p.size, seed: p.seed, bad: p.regime === 'B' && p.size === 10 && p.draw === 0 }),
});

describe('scaling evidence', () => {
  it('replays to the per-regime verdicts of the run: a regime with unusable draws stays inconclusive', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ntk-scaling-ev-'));
    const run = searchTheorem(toy, { seed: 's', numRuns: 0, scalingDraws: 4, artifactsDir: dir });
    expect(run.status).toBe('violated');
    expect(run.scaling!.regimes.map((r) => [r.regime, r.status, r.unusable])).toEqual([
      ['A', 'violated', 0],
      ['B', 'inconclusive', 1],
    ]);
    const replay = replayScalingEvidenceFile(run.scaling!.evidencePath!, [toy]);
    expect(replay.status).toBe('violated');
    expect(replay.regimes.map((r) => [r.regime, r.status, r.unusable])).toEqual([
      ['A', 'violated', 0],
      ['B', 'inconclusive', 1],
    ]);
    // the slope of B without its unusable draw lies outside the band: only the stored count keeps B open
    const b = replay.regimes[1];
    expect(b.slopeLow).toBeGreaterThan(1.1);
    // the count is part of the evidence; a file without it reads as 0
    const text = readFileSync(run.scaling!.evidencePath!, 'utf8');
    expect(JSON.parse(text).regimes[1].unusable).toBe(1);
    const bare = JSON.parse(text);
    for (const r of bare.regimes) delete r.unusable;
    expect(parseScalingEvidence(JSON.stringify(bare)).regimes[1].unusable).toBe(0);
  });

  it('replay takes x where the run took it: the quantity before the descriptor field of the same name', () => {
    // x in the descriptor is the size; the conclusion reports x = size², the scaling variable the law means
    const squared: Theorem<D, D> = {
      ...toy,
      id: 'toy.squared',
      conclude: (d) => ({ ...toy.conclude(d, d), quantities: { x: d.x * d.x } }),
      scalingLaw: { ...toy.scalingLaw!, exponent: 0.75, regimes: ['A'] },
    };
    const dir = mkdtempSync(join(tmpdir(), 'ntk-scaling-ev-'));
    const twin: Theorem<D, D> = { ...squared, id: 'toy.squared.twin', scalingLaw: { ...squared.scalingLaw!, exponent: 1.5 } };
    const run = searchTheorem(twin, { seed: 's', numRuns: 0, scalingDraws: 4, artifactsDir: dir });
    expect(run.status).toBe('violated');
    expect(run.scaling!.regimes[0].slope).toBeCloseTo(0.75, 1);
    const replay = replayScalingEvidenceFile(run.scaling!.evidencePath!, [twin]);
    expect(replay.regimes[0].slope).toBe(run.scaling!.regimes[0].slope);
    expect(replay.status).toBe('violated');
  });
});
