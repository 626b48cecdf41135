/**
 * The certified empirical NTK of tanh, sigmoid, softplus, erf and gelu networks (empiricalNtkCertified.ts, smooth records) against an
 * independent 90-digit recomputation (decimal.js: per-sample forward pass, σ and σ' from Decimal.tanh / Decimal.exp,
 * back-propagation, J Jᵀ): every entry |K̂ − s·K| is within the bound (‖E‖_max ≤ ‖E‖₂), the forward radii contain the
 * features, and the pointwise enclosures of σ, σ' contain the 90-digit values on a sweep over the double range. The
 * 90-digit oracle (test/support/decimalNetwork.ts) has its own error (relative ≤ 1e-80) far below the slack allowed for it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalActivation } from '../audit/decimalActivations.ts';
import { D, enclosed, ex, sigmaDec } from '../../test/support/decimalNetwork.ts';
import { fromRows } from '../linalg/matrix.ts';
import { activationByName } from './activations/registry.ts';
import type { ActivationRecord } from './activations/record.ts';
import { empiricalNtkCertified, empiricalNtkLambdaMin } from './empiricalNtkCertified.ts';
import { initNetwork, networkFromWeights } from './network.ts';
import { scaledCaseFields, scaledNetworkCase } from '../../test/support/fuzzNetwork.ts';

describe('certified empirical NTK of tanh, sigmoid, softplus, erf and gelu networks', () => {
  it('pointwise enclosures of σ and σ′ contain the 90-digit values (tiny, subnormal, huge, ±∞, near 0)', () => {
    const ts: number[] = [
      2.5,
      3,
      4.5,
      5.99,
      6,
      6.01,
      7,
      0,
      -0,
      5e-324,
      -5e-324,
      2 ** -1022,
      1e-300,
      1e-17,
      2 ** -27,
      1e-8,
      0.1,
      0.5,
      1 - 2 ** -53,
      1,
      2,
      10,
      19.06,
      20,
      37,
      300,
      709,
      710,
      1e10,
      1e300,
      Number.MAX_VALUE,
      Infinity,
    ];
    for (let e = -60; e <= 10; e += 1.3) ts.push(2 ** e, -(2 ** e) * 1.1);
    for (const name of ['tanh', 'sigmoid', 'softplus', 'erf', 'gelu']) {
      const act = activationByName(name) as ActivationRecord;
      for (const t0 of ts)
        for (const t of [t0, -t0]) {
          const enc = act.enclose!(t);
          const td = Number.isFinite(t) ? ex(t) : new D(t > 0 ? 3000 : -3000);
          const v = sigmaDec(name, td);
          // the 90-digit values' own error (src/audit/decimalActivations.ts): ≤ 1e-89·(|σ(0)| + sup|σ'|·|t|) for σ,
          // ≤ 1e-89·sup|σ'| for σ' — relevant only where the enclosure is tight to the last digit (tanh(5e-324) < 5e-324)
          const { s0, l1 } = decimalActivation(act, D);
          const ef = td.abs().times(l1).plus(s0).times('1e-89'),
            edf = new D(l1).times('1e-89');
          expect(
            (enc.f.lo === -Infinity || ex(enc.f.lo).lte(v.f.plus(ef))) && (enc.f.hi === Infinity || ex(enc.f.hi).gte(v.f.minus(ef))),
            `${name}(${t}) ∉ [${enc.f.lo}, ${enc.f.hi}]`,
          ).toBe(true);
          expect(ex(enc.df.lo).lte(v.df.plus(edf)) && ex(enc.df.hi).gte(v.df.minus(edf)), `${name}'(${t}) ∉ [${enc.df.lo}, ${enc.df.hi}]`).toBe(true);
          // informative: relative ≤ 1e-12 (the worst of tanh is 5.4e-13 at t ≈ 1.4e-3, where both the Taylor bracket
          // and the cancellation in 1 − 2/(e^{2t} + 1) are loose; sigmoid 1.3e-15), softplus ≤ 1e-10 (2.2e-11 at
          // t ≈ −11.6: log(1 + y) near 1 is absolute, the Taylor bracket y³/3)
          const rel = name === 'softplus' ? 1e-10 : 1e-12; // erf: ≤ 1e-13 absolute near |t| = 6 (long positive series)
          // (softplus(MAX_VALUE) > MAX_VALUE: its enclosure reaches +∞ rightly; gelu is absolute ≈ u·|t| for t ≪ 0,
          // where 1 + erf cancels: checked as absolute ≤ 1e-13·max(1, |t|); 6.4e-14 at t = 4.5, erf's long series)
          if (name === 'gelu') {
            if (Number.isFinite(t) && Math.abs(t) < 1e300) expect(enc.f.hi - enc.f.lo).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(t)));
          } else if (Number.isFinite(t) && t < Number.MAX_VALUE) expect(enc.f.hi - enc.f.lo).toBeLessThanOrEqual(rel * Math.abs(v.f.toNumber()) + 1e-300);
        }
    }
  });

  it('ordinary networks (widths 6, 5): kernel entries and features within the bound; the bound is ≤ 1e-12·max K̂_ii', () => {
    const x = fromRows([
      [0.3, -1.2, 0.5],
      [1.1, 0.4, -0.7],
      [-0.2, 0.9, 0.8],
    ]);
    for (const name of ['tanh', 'sigmoid', 'softplus', 'erf', 'gelu']) {
      const net = initNetwork({ inputDim: 3, widths: [6, 5], init: 'standard', activation: activationByName(name) }, `smooth-${name}`);
      for (const normalize of [false, true]) expect(enclosed(net, x, normalize)).toEqual({ ok: true, certified: true });
      const r = empiricalNtkCertified(net, x, { normalize: true });
      expect(r.errorBound).toBeLessThan(1e-12 * Math.max(r.ntk.data[0], r.ntk.data[4], r.ntk.data[8]));
      expect(empiricalNtkLambdaMin(r).certified).toBe(true);
    }
  });

  it('backward cancellation: the exact kernel needs the sup|σ′|·e term of the backward radius (tanh)', () => {
    // x = 2^30, W_1 = 0.75·2^−60 (f_1 ≈ 0.75·2^−30), W_2 = 2^30·(1, 1 + 2^−26), W_3 = (1, −1)ᵀ: the signal into layer 1,
    // v = 2^30(σ′(g_a) − (1 + 2^−26)σ′(g_b)) with g_a ≈ g_b ≈ 0.75, cancels to |v| ≈ 2^4 while its float error (2^30
    // times the error of b̂_2, order u) is ≈ 2^30u: only sup|σ′|·e covers it, the terms proportional to |ŝ| do not.
    // The layer-1 term x²b_1² of K dominates the kernel and both norms of its rank-one bound (one sample: no
    // Cauchy–Schwarz slack across samples). Without the term the bound is ≈ 0.65× the exact error. tanh only: σ(0) = 0
    // keeps f_1 small, and the derivative enclosures of erf and gelu are wide enough to hide the error.
    const arch = { inputDim: 1, widths: [1, 2], init: 'standard' as const, activation: activationByName('tanh') };
    const net = networkFromWeights(arch, [fromRows([[0.75 * 2 ** -60]]), fromRows([[2 ** 30, 2 ** 30 * (1 + 2 ** -26)]]), fromRows([[1], [-1]])]);
    expect(enclosed(net, fromRows([[2 ** 30]]), false)).toEqual({ ok: true, certified: true });
  });

  it('fuzz: tanh, sigmoid, softplus, erf and gelu at data/weight scales 2^e (e ∈ [−1074, 1023]): entries enclosed or not certified', () => {
    const entry = fc.oneof(fc.double({ min: -1, max: 1, noNaN: true }), fc.constantFrom(0, 1, -1, 0.5, -0.25, 0.1, 3));
    const expo = fc.oneof(fc.integer({ min: -1074, max: 1023 }), fc.integer({ min: -40, max: 40 }), fc.constant(0));
    let certified = 0;
    fc.assert(
      fc.property(
        fc.record({
          act: fc.constantFrom('tanh', 'sigmoid', 'softplus', 'erf', 'gelu'),
          ...scaledCaseFields({ maxN: 3, maxWidth: 4, maxHidden: 2, expo }),
          vals: fc.array(entry, { minLength: 60, maxLength: 60 }),
        }),
        (c) => {
          const { x, net } = scaledNetworkCase(c, c.vals, activationByName(c.act));
          const r = enclosed(net, x, c.normalize);
          if (r.certified) certified++;
          return r.ok;
        },
      ),
      { numRuns: 100, seed: 20261204 },
    );
    expect(certified).toBeGreaterThan(50);
  });
});
