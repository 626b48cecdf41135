import { describe, expect, it } from 'vitest';
import { limitingKernels } from './limiting.ts';
import { reluHermiteCoefficient } from './hermite.ts';
import { Decimal } from 'decimal.js';
import { exactDecimal } from '../../test/support/exactDecimal.ts';
import { interval } from '../linalg/interval.ts';
import { createRng } from '../random/rng.ts';
import { activationByName } from './activations/registry.ts';
import {
  evaluatePowerSeries,
  layerTwoSeries,
  murrayCoefficientRelativeError,
  murrayReluCoefficients,
  murraySeriesErrorBound,
  nonNegativeSeriesUpper,
  reluNngpMap,
  twoLayerCoefficientEnclosure,
} from './powerSeries.ts';

describe('murrayReluCoefficients', () => {
  it('two-layer coefficients are 2(1+p)μ_p² (independent closed form)', () => {
    const s = murrayReluCoefficients(2, 100);
    for (let p = 0; p < 100; p++) expect(s.kappa[1][p]).toBeCloseTo(2 * (1 + p) * reluHermiteCoefficient(p) ** 2, 15);
  });
  it('first coefficients match the reference values of docs/theorems.md#power-series-and-two-layer-coefficients to 5 decimals', () => {
    const s = murrayReluCoefficients(3, 200);
    const want = [0.68571, 0.95811, 0.61556, 0.18399, 0.11465, 0.04868];
    want.forEach((w, p) => expect(Math.abs(s.kappa[2][p] - w)).toBeLessThan(5e-6));
  });
  it('the NNGP series of layer 2 sums to the arc-cosine map g(ρ)', () => {
    const s = murrayReluCoefficients(2, 600);
    for (const r of [-0.7, 0, 0.3, 0.8]) expect(evaluatePowerSeries(s.alpha[1], r)).toBeCloseTo(reluNngpMap(r), 13);
  });
  it('agrees with the closed-form limiting NTK within the certified bound, L = 2..4, |ρ| ≤ 0.8', () => {
    for (const L of [2, 3, 4]) {
      const s = murrayReluCoefficients(L, 600);
      const b = murraySeriesErrorBound(s, 0.8);
      expect(b).toBeLessThan(1e-10);
      for (const r of [-0.8, -0.5, 0.1, 0.6, 0.8]) {
        const x = { rows: 2, cols: 2, data: new Float64Array([1, 0, r, Math.sqrt(1 - r * r)]) };
        const K = limitingKernels(x, { depth: L });
        expect(Math.abs(evaluatePowerSeries(s.kappa[L - 1], r) - K.ntk.data[1])).toBeLessThanOrEqual(b + K.ntkErrorBound + 1e-15);
      }
    }
  });
  it('partial sums stay below L and approach it', () => {
    const s = murrayReluCoefficients(4, 600);
    const sum = s.kappa[3].reduce((a, b) => a + b, 0);
    expect(sum).toBeLessThan(4);
    expect(sum).toBeGreaterThan(3.9);
    expect(murrayCoefficientRelativeError(s)).toBeLessThan(1e-6);
  });
  it('error bound is infinite at |ρ| = 1', () => {
    expect(murraySeriesErrorBound(murrayReluCoefficients(2, 50), 1)).toBe(Infinity);
  });
});

describe('layerTwoSeries (any activation record)', () => {
  it("ReLU with c_σ = 2: Murray et al.'s α_{p,2}, υ_{p,2}", () => {
    const { alpha, upsilon } = layerTwoSeries(activationByName('relu'), 200, 2);
    const m = murrayReluCoefficients(2, 200);
    for (let p = 0; p < 200; p++) {
      expect(Math.abs(alpha[p].mid - m.alpha[1][p])).toBeLessThanOrEqual(alpha[p].radius + m.alpha[1][p] * 1e-13);
      expect(Math.abs(upsilon[p].mid - m.upsilon[1][p])).toBeLessThanOrEqual(upsilon[p].radius + m.upsilon[1][p] * 1e-13);
    }
  });

  it("Σ_p α_pρ^p and Σ_p υ_pρ^p meet the record's dual kernels E[σσ], E[σ'σ'] at unit variances (Parseval remainders)", () => {
    // E[σ'σ'] is not tested by the Hermite fixture: this compares the record's derivative kernel with μ_{p+1}(σ)
    for (const name of ['leaky-relu:0.1', 'erf', 'gelu', 'tanh', 'sigmoid', 'softplus']) {
      const rec = activationByName(name);
      const P = 60;
      const { alpha, upsilon } = layerTwoSeries(rec, P);
      const one = rec.dual(1, 1, 1);
      for (const rho of [-0.5, 0.3, 0.7]) {
        const d = rec.dual(1, 1, rho);
        for (const [coef, total, value] of [
          [alpha, one.phiPhi.hi, d.phiPhi],
          [upsilon, one.dphiDphi.hi, d.dphiDphi],
        ] as const) {
          let sum = interval(0),
            sumLo = 0,
            pw = interval(1);
          for (let p = 0; p < P; p++) {
            sum = sum.add(coef[p].mul(pw));
            sumLo += coef[p].lo * (1 - 1e-15);
            pw = pw.mul(rho);
          }
          const tail = Math.abs(rho) ** P * Math.max(0, total - sumLo) * (1 + 1e-12) + 1e-300;
          const lo = sum.lo - tail,
            hi = sum.hi + tail;
          if (!(value.lo <= hi && lo <= value.hi)) throw new Error(`${name}, ρ = ${rho}: [${value.lo}, ${value.hi}] vs [${lo}, ${hi}]`);
          if (Math.abs(rho) <= 0.5 && name !== 'leaky-relu:0.1') expect(hi - lo, `${name} ρ = ${rho}`).toBeLessThan(1e-9);
        }
      }
    }
  });
});

describe('twoLayerCoefficientEnclosure', () => {
  it('holds 2(1 + p)μ_p² with μ_p = (−1)^{(p−2)/2}(p − 3)!!/(√(2π)√(p!)) (eq. (8) of arXiv 2012.11654) at 60 digits', () => {
    Decimal.set({ precision: 800 }); // exactDecimal's products
    const D = Decimal.clone({ precision: 60 });
    const sqrt2pi = D.acos(-1).times(2).sqrt();
    let fact = new D(1),
      dfact = new D(1); // p!, (p − 3)!! for even p
    for (let p = 0; p <= 300; p++) {
      if (p > 0) fact = fact.times(p);
      if (p >= 4 && p % 2 === 0) dfact = dfact.times(p - 3);
      const mu = p === 0 ? new D(1).div(sqrt2pi) : p === 1 ? new D(0.5) : p % 2 === 1 ? new D(0) : dfact.div(sqrt2pi.times(fact.sqrt()));
      const ref = mu.pow(2).times(2 * (1 + p));
      const e = twoLayerCoefficientEnclosure(p);
      expect(exactDecimal(e.lo).lte(ref) && ref.lte(exactDecimal(e.hi)), `p = ${p}`).toBe(true);
      expect(e.hi - e.lo).toBeLessThanOrEqual((6 * p + 20) * 2 ** -52 * e.hi);
    }
  });
});

describe('nonNegativeSeriesUpper', () => {
  it('bounds Σ c_p s^p and Σ p c_p s^{p−1} from above (800-digit sums), within 1e-12 relative', () => {
    Decimal.set({ precision: 800 });
    const rng = createRng('series-upper');
    for (const [P, s] of [
      [1, 0.5],
      [50, 0.81],
      [600, 0.3],
      [600, 0],
    ] as const) {
      const c = Float64Array.from({ length: P }, () => rng.next() * 2 ** -Math.floor(rng.next() * 20));
      let v = new Decimal(0),
        dv = new Decimal(0);
      const S = exactDecimal(s);
      for (let p = 0; p < P; p++) {
        v = v.plus(exactDecimal(c[p]).times(S.pow(p)));
        if (p >= 1)
          dv = dv.plus(
            exactDecimal(c[p])
              .times(p)
              .times(S.pow(p - 1)),
          );
      }
      const u = nonNegativeSeriesUpper(c, s);
      expect(exactDecimal(u.value).gte(v) && exactDecimal(u.derivative).gte(dv), `P = ${P}`).toBe(true);
      expect(u.value).toBeLessThanOrEqual(v.toNumber() * (1 + 1e-12) + 1e-300);
      expect(u.derivative).toBeLessThanOrEqual(dv.toNumber() * (1 + 1e-12) + 1e-300);
    }
  });
});
