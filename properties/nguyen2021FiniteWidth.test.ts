import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromRows } from '../src/linalg/matrix.ts';
import { ldexp } from '../src/linalg/pow2.ts';
import { networkFromWeights } from '../src/ntk/network.ts';
import type { Descriptor, Theorem } from '../src/theorem/types.ts';
import { decide, evaluate } from '../src/theorem/verdict.ts';
import {
  certifiedNtk,
  certifiedNtkLambdaMin,
  type FwInstance,
  nguyen2021FiniteWidthTheorems,
  thm41SchurLower,
  thm41UpperCertificate,
} from './nguyen2021FiniteWidth.ts';

describe('Theorem 4.1 Schur lower bound: the enclosure of min_i ‖b_{k+1}(x_i)‖²', () => {
  it('contains the exact minimum when the float argmin is not the exact one (cancellation in another sample)', () => {
    // x_A = e_1, x_B = e_2; W_1 = 2^-40[[1, −1], [−1, 1]]: A activates hidden unit 0 only, B unit 1 only (F_1 = 2^-40 I).
    // W_2 row 0 = (1, 3·2^-54, 1), W_3 = (1, 1, −1): for A every unit of layer 2 is active, b_1(A)_0 = 1 + 3·2^-54 − 1 is
    // computed as 2^-52 (fl(1 + 3·2^-54) = 1 + 2^-52) while it is exactly 3·2^-54: ‖b̂_1(A)‖² = 2^-104 > ‖b_1(A)‖² = 9·2^-108.
    // W_2 row 1 = (7·2^-55, 0, 0): b_1(B)_1 = 7·2^-55 exactly, ‖b_1(B)‖² = 49·2^-110, between the two. The float argmin is
    // B, the exact minimum is A's 9·2^-108.
    const net = networkFromWeights({ inputDim: 2, widths: [2, 3], init: 'standard' }, [
      fromRows([
        [2 ** -40, -(2 ** -40)],
        [-(2 ** -40), 2 ** -40],
      ]),
      fromRows([
        [1, 3 * 2 ** -54, 1],
        [7 * 2 ** -55, 0, 0],
      ]),
      fromRows([[1], [1], [-1]]),
    ]);
    const x = fromRows([
      [1, 0],
      [0, 1],
    ]);
    const i = { net, x };
    expect(thm41SchurLower.assumptions(i, undefined as never)).toBeNull();
    const ev = thm41SchurLower.conclude(i, undefined as never);
    // exact rhs = λ_min(XXᵀ)·min‖b_1‖² + λ_min(F_1F_1ᵀ)·min‖b_2‖² + λ_min(F_2F_2ᵀ)·1 with XXᵀ = I, F_1F_1ᵀ = 2^-80 I,
    // min‖b_2‖² = ‖(1, 0, 0)‖² = 1 (sample B), λ_min(F_2F_2ᵀ) ≤ (F_2F_2ᵀ)_BB = 2^-80·49·2^-110 (Rayleigh quotient)
    const two = new Decimal(2);
    Decimal.set({ precision: 60 });
    const exactUpper = new Decimal(9)
      .times(two.pow(-108))
      .plus(two.pow(-80))
      .plus(new Decimal(49).times(two.pow(-190)));
    const lower = new Decimal(ev.rhs).minus(new Decimal(ev.rhsError));
    expect(lower.lte(exactUpper), `rhs enclosure starts at ${lower.toPrecision(20)} above the exact rhs ≤ ${exactUpper.toPrecision(20)}`).toBe(true);
  });
});

describe('an instance whose kernel is not certified is inconclusive, not an error', () => {
  // First-layer weights ×2^300: the pre-activation pattern is still certified, but the rounding envelope of the
  // entrywise kernel perturbation overflows (+∞) for some entries of K̄, which then have no finite tolerance.
  const scaled = <D extends Descriptor, I extends FwInstance>(t: Theorem<D, I>, e: number): Theorem<D, I> => ({
    ...t,
    materialize(d) {
      const i = t.materialize(d);
      const w = i.net.weights[0].data;
      for (let k = 0; k < w.length; k++) w[k] = ldexp(w[k], e);
      return i;
    },
  });
  const sec41 = nguyen2021FiniteWidthTheorems.filter((t) => t.id.includes('sec4.1'));
  it('Section 4.1 (the JJᵀ decomposition and its erratum twin)', () => {
    expect(sec41.map((t) => t.id).sort()).toEqual(['nguyen2021.sec4.1.jjt-decomposition', 'planted.nguyen2021.sec4.1.jjt-erratum-bl']);
    for (const t of sec41) {
      const descriptors = fc.sample(t.descriptors, { numRuns: 3, seed: 7 });
      for (const d of descriptors) {
        // the unscaled instance is conclusive (the claim holds, the twin is refuted) ...
        expect(evaluate(t, d).outcome.verdict).toBe(t.expectRefuted ? 'violated' : 'holds');
        // ... the overflowing one is inconclusive with an infinite error bound
        const o = evaluate(scaled(t, 300), d).outcome;
        expect(o.verdict, `${t.id} ${JSON.stringify(d)}`).toBe('inconclusive');
        expect(o.errorBound).toBe(Infinity);
      }
    }
  });
  it('certifiedNtk: an infinite error instead of a thrown error, and an unbounded λ_min enclosure', () => {
    // ×2^500: the layer-wise perturbation bound overflows (+∞) while K̄ itself is finite. The pattern is then no
    // longer certified (the claims report `outside`), but the conclusion evaluated anyway must not be wrong or throw.
    const t = thm41UpperCertificate;
    const [d] = fc.sample(t.descriptors, { numRuns: 1, seed: 7 });
    const i = scaled(t, 500).materialize(d);
    const { c, lk } = certifiedNtkLambdaMin(i);
    expect(c.emp.ntk.data.every(Number.isFinite)).toBe(true);
    expect(c.error).toBe(Infinity);
    expect([lk.lower, lk.upper]).toEqual([-Infinity, Infinity]);
    expect(decide(t.conclude(i, d)).verdict).toBe('inconclusive');
    // the unscaled instance has a finite error and holds
    expect(certifiedNtk(t.materialize(d)).error).toBeLessThan(Infinity);
    expect(evaluate(t, d).outcome.verdict).toBe('holds');
  });
});
