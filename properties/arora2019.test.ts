import { describe, expect, it } from 'vitest';
import type { Theorem } from '../src/theorem/types.ts';
import { evaluate } from '../src/theorem/verdict.ts';
import { arora2019Theorems } from './arora2019.ts';
import { runTraining, type TrainDescriptor, type TrainInstance } from './du2019Training.ts';

/**
 * Theorem 4.1 of arXiv 1901.08584 (docs/theorems.md#arora-et-al-theorem-41-instance-space-and-vacuity) on an
 * instance inside the assumptions (c_η = 7 ∈ [2, 8]) whose gradient-descent run stops being certified
 * before the last step checked: a pre-activation lands within trainGd's rounding bound of 0, so the
 * residual norms after that step have an error bound +∞ (docs/error-model.md#non-finite-values).
 */
const DESCRIPTOR: TrainDescriptor = {
  data: { n: 3, d: 9, family: 'unit-sphere', shift: 0, seed: '548389616' },
  labelSeed: '2147483634',
  initSeed: '1155707908',
  m: 16000,
  stepFactor: 7,
  steps: 60,
  kappa: 0.05,
} as TrainDescriptor;

describe('Theorem 4.1 trajectory: a run whose indicators stop being certified', () => {
  const ids = ['arora2019.thm4.1.trajectory', 'planted.arora2019.trajectory-rate-halved'];
  const theorems = ids.map((id) => {
    const t = arora2019Theorems.find((x) => x.id === id);
    if (!t) throw new Error(`no theorem ${id}`);
    return t as Theorem<TrainDescriptor, TrainInstance>;
  });

  it('the instance is inside the assumptions and the run loses certification at a step k ≤ K', () => {
    const t = theorems[0];
    const i = t.materialize(DESCRIPTOR);
    expect(t.assumptions(i, DESCRIPTOR)).toBeNull();
    const { lam, eta, run } = runTraining(i, DESCRIPTOR);
    const K = Math.min(run.steps, Math.ceil(4 / (eta * lam.estimate)));
    expect(run.uncertifiedAt).toBeGreaterThan(0);
    expect(run.uncertifiedAt).toBeLessThanOrEqual(K);
    expect(run.residualNormError[run.uncertifiedAt]).toBe(Infinity);
    expect(Number.isFinite(run.residualNormError[run.uncertifiedAt - 1])).toBe(true);
  });

  it.each(ids.map((id, k) => [id, k] as const))('%s evaluates to inconclusive (unbounded lhs error), not a throw', (_id, k) => {
    const out = evaluate(theorems[k], DESCRIPTOR).outcome;
    // max_k gap_k includes steps whose ‖y − u(k)‖ is not enclosed: no verdict either way
    expect(out.verdict).toBe('inconclusive');
    expect(out.errorBound).toBe(Infinity);
    expect(Number.isFinite(out.lhs) && Number.isFinite(out.rhs)).toBe(true);
  });
});
