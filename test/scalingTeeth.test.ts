import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalog } from '../properties/index.ts';
import { THM41_REGIMES, THM41_SPEC, THM51_REGIMES, THM51_SPEC, normalisationRateClaim, wideScalingClaim } from '../properties/nguyen2021WideScaling.ts';
import { searchCounts } from '../src/search/budget.ts';
import { replayScalingEvidenceFile } from '../src/search/scalingEvidence.ts';
import { searchTheorem } from '../src/search/search.ts';
import type { AnyTheorem } from '../src/theorem/types.ts';
import { evaluate } from '../src/theorem/verdict.ts';

/**
 * Asymptotic claims of arXiv 2012.11654v5 have teeth: exponent errors of ±0.2 planted in Theorem 4.1
 * (λ_min(K̄) = Θ(n_w)) and Theorem 5.1 (σ_min(F_k)² = Θ(n_k)), and the normalisation of eq. (4) without
 * its factor 2^{L−1} (the deviation then tends to 1 − 2^{−(L−1)}: exponent 0, not −½), are refuted at the
 * CI budget with evidence that replays to `violated`; the true claims hold on the same draws. Each claim
 * is built by the catalog's own factory on one of its regimes (the cheapest), so the file stays fast.
 */

const one = <T>(r: Record<string, T>, name: string): Record<string, T> => ({ [name]: r[name] });
const thm41 = { ...THM41_SPEC, baseId: 'test.thm4.1.scaling', regimes: one(THM41_REGIMES, 'L=2, β=1, N=8, d=32') };
const thm51 = { ...THM51_SPEC, baseId: 'test.thm5.1.scaling', regimes: one(THM51_REGIMES, 'k=1, β=1, N=4, d=32') };
const eq4 = { baseId: 'test.eq4.normalisation-rate', regimes: ['L=2'] };

const claims: { theorem: AnyTheorem; refuted: boolean }[] = [
  { theorem: wideScalingClaim(thm41, 1), refuted: false },
  { theorem: wideScalingClaim(thm41, 1.2), refuted: true },
  { theorem: wideScalingClaim(thm41, 0.8), refuted: true },
  { theorem: wideScalingClaim(thm51, 1), refuted: false },
  { theorem: wideScalingClaim(thm51, 1.2), refuted: true },
  { theorem: wideScalingClaim(thm51, 0.8), refuted: true },
  { theorem: normalisationRateClaim(-0.5, 2, eq4), refuted: false },
  { theorem: normalisationRateClaim(-0.5, 1, eq4), refuted: true },
];
const local = claims.map((c) => c.theorem);

describe('planted exponent and normalisation errors are refuted at the CI budget', () => {
  for (const { theorem, refuted } of claims) {
    it(`${theorem.id} ${refuted ? 'is refuted, with evidence that replays' : 'holds'}`, () => {
      expect(theorem.scalingLaw).toBeDefined();
      if (refuted) expect(theorem.twinOf).toBe(claims.find((c) => !c.refuted && c.theorem.id === theorem.twinOf)?.theorem.id);
      const dir = mkdtempSync(join(tmpdir(), 'ntk-audit-teeth-'));
      // the Bonferroni level of a full catalog run (the claims here are not in the catalog)
      const run = searchTheorem(theorem, { seed: 'ci', ...searchCounts(theorem, 40, catalog.length), artifactsDir: dir });
      expect(run.errors).toEqual([]);
      const regimes = JSON.stringify(run.scaling?.regimes.map((r) => [r.regime, r.slope, r.slopeLow, r.slopeHigh]));
      expect(run.status, regimes).toBe(refuted ? 'violated' : 'holds');
      for (const r of run.scaling!.regimes) {
        expect(r.unusable).toBe(0);
        if (!refuted) {
          // the fitted exponent lies in the claimed band with room
          const e = theorem.scalingLaw!.exponent;
          expect(Math.abs(r.slope - e), regimes).toBeLessThan(0.06);
        }
      }
      if (refuted) {
        const replay = replayScalingEvidenceFile(run.scaling!.evidencePath!, local);
        expect(replay.status).toBe('violated');
        expect(replay.theorem.id).toBe(theorem.id);
      }
    });
  }

  it('without 2^{L−1} the deviation is ½ up to half the true one: |y₁ − ½| ≤ y₂/2 (triangle inequality, L = 2)', () => {
    // (1/n)K̄ − K = ½(D − K) with D = (2/n)K̄ − K, so | ‖(1/n)K̄ − K‖_F − ½‖K‖_F | ≤ ½‖D‖_F exactly
    const truth = claims[6].theorem,
      twin = claims[7].theorem;
    for (const size of [32, 500]) {
      const d = truth.scalingLaw!.design({ regime: 'L=2', size, draw: 0, seed: `ci/${eq4.baseId}/L=2/${size}/0` });
      const y2 = evaluate(truth, d).outcome,
        y1 = evaluate(twin, d).outcome;
      expect(Math.abs(y1.lhs - 0.5)).toBeLessThanOrEqual(y2.lhs / 2 + y1.errorBound + y2.errorBound);
      expect(y2.lhs).toBeLessThan(0.5);
    }
  });
});
