import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import { describe, expect, it } from 'vitest';
import { defineBound } from '../src/audit/defineBound.ts';
import { searchOptionsFor } from '../src/audit/runAudit.ts';
import { searchTheorem } from '../src/search/search.ts';
import { binomialUpperTail } from './support/binomial.ts';

/**
 * Verdicts that a proposal can reach by paths other than the plain search of a well-behaved bound: draws
 * its sides cannot evaluate, quantities the high-precision oracle does not recompute, user catalogs run with
 * `ntk-audit run --catalog`. Each case states a TRUE claim (by a closed form) or a violation whose
 * re-verification is checked against what the oracle actually recomputed.
 *
 * Closed form used for high-probability claims: for X, Y independent and uniform on S^{d−1}, ⟨X, Y⟩ has the
 * law of one coordinate X_1 and X_1² ~ Beta(1/2, (d − 1)/2), so for N = 2 points
 *     P(|⟨x_1, x_2⟩| > t) = p   exactly when   t² = B⁻¹(1 − p; 1/2, (d − 1)/2).
 */
const D = 8;
const DELTA = 0.1;
const threshold = (p: number) => Math.sqrt(betaQuantile(1 - p, 0.5, (D - 1) / 2));

describe('high-probability claims: draws whose sides throw', () => {
  it('a TRUE claim (failure rate δ/2) whose rhs throws on the draws where it holds comfortably is not refuted', () => {
    // rhs throws where |⟨x_1, x_2⟩| < s, P(|⟨x_1, x_2⟩| ≥ s) = 2δ/3: among the draws it CAN evaluate the
    // claim fails on (δ/2)/(2δ/3) = 3/4 of them, which a rate test over those draws alone rejects at once.
    const t = threshold(DELTA / 2), s = threshold((2 * DELTA) / 3);
    const bound = defineBound({
      id: 'sound.hp-throws',
      statement: `|⟨x_1, x_2⟩| ≤ ${t} w.p. ≥ 1 − ${DELTA} (rhs not implemented below ${s})`,
      kind: 'high-probability',
      delta: DELTA,
      instances: { n: [2, 2], d: [D, D], data: ['unit-sphere'] },
      lhs: (q) => q.maxInnerProduct,
      relation: '<=',
      rhs: (q) => {
        if (q.maxInnerProduct < s) throw new Error('not implemented there');
        return t;
      },
    });
    for (const seed of ['s1', 's2', 's3', 's4']) {
      const opts = searchOptionsFor(bound, 20, seed);
      const run = searchTheorem(bound, opts);
      const c = run.highProbability!.configs[0];
      // every draw made is counted (one configuration: it gets all of them); those that threw are undecided
      expect(c.draws + c.outside, seed).toBe(opts.hpConfigs! * opts.hpDraws!);
      expect(run.errors.length, `${seed}: the throws are reported`).toBeGreaterThan(0);
      expect(c.inconclusive, `${seed}: most draws threw`).toBeGreaterThan(c.draws / 2);
      // Independent check of what the old rate (failures among evaluated draws only) would have said.
      const evaluated = c.draws - c.inconclusive;
      expect(binomialUpperTail(c.failures, evaluated, DELTA), `${seed}: conditioned on the evaluable draws the rate test rejects`).toBeLessThan(run.highProbability!.alpha);
      expect(c.status, seed).not.toBe('rejected');
      expect(run.status, seed).not.toBe('violated');
      expect(run.counterexamples.count, seed).toBe(0);
    }
  });
});
