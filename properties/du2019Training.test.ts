import { describe, expect, it } from 'vitest';
import { finiteGram } from '../src/ntk/twoLayer.ts';
import type { Theorem } from '../src/theorem/types.ts';
import { evaluateInstance } from '../src/theorem/verdict.ts';
import { du2019TrainingTheorems } from './du2019Training.ts';

type GramTheorem = Theorem<Record<string, unknown>, { x: { rows: number; cols: number }; w: Float64Array; m: number }>;

/**
 * The H(0) vs H∞ claims (docs/theorems.md#hoeffding-bound-on-the-gram-matrix-at-initialisation) when
 * finiteGram cannot certify an indicator: its error bound is then +∞ (docs/error-model.md#non-finite-values)
 * and the instance must be inconclusive, not a failure of the claim's own code.
 */
describe('du2019 Gram claims with an uncertified H(0)', () => {
  const descriptor = { data: { n: 4, d: 5, family: 'unit-sphere', shift: 0, seed: '11' }, m: 64, delta: 0.1, seed: '23' };
  it.each(['du2019.train.hinf-monte-carlo', 'du2019.train.hoeffding-frobenius'])('%s is inconclusive when a weight row is 0', (id) => {
    const t = du2019TrainingTheorems.find((x) => x.id === id) as unknown as GramTheorem;
    const i = t.materialize(descriptor);
    // w_1 = 0: every pre-activation w_1ᵀx_i is 0, at the indicator's threshold, so no rounding bound certifies it
    i.w.fill(0, 0, i.x.cols);
    expect(finiteGram(i.w, i.m, i.x as never).errorBound).toBe(Infinity);
    const out = evaluateInstance(t, descriptor, i).outcome;
    expect(out.verdict).toBe('inconclusive');
    expect(out.errorBound).toBe(Infinity);
  });
});
