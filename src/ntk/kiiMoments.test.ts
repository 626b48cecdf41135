import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { expectedEmpiricalNtkDiagonal } from './empiricalNtk.ts';
import { interval } from '../linalg/interval.ts';
import { kiiMomentEnclosures, kiiMoments, reluChiSecondMoment } from './kiiMoments.ts';
import { ntkDiagonalSample, singleRow } from './monteCarlo.ts';
import { architectureDims, resolveBetas } from './network.ts';

Decimal.set({ precision: 60 });

/**
 * One hidden layer (L = 2): K̄ = ‖x‖²β_2²Σ_j 1{z_j > 0}v_j² + β_1²‖x‖²Σ_j σ(z_j)² is a sum of n_1 i.i.d. terms T_j,
 * E T = ‖x‖²(β_1² + β_2²)/2, E T² = ‖x‖⁴(3β_2⁴/2 + β_1²β_2² + 3β_1⁴/2) (E 1{z>0}w⁴ = 3/2, E σ(z)² = ½, E σ(z)⁴ = 3/2),
 * so E K̄² = n E T² + n(n − 1)(E T)² exactly — computed here in 60-digit decimals.
 */
function exactSecondMomentL2(n: number, b1: number, b2: number, x2: number): Decimal {
  const B1 = new Decimal(b1).pow(2),
    B2 = new Decimal(b2).pow(2),
    X = new Decimal(x2);
  const ET = X.mul(B1.add(B2)).div(2);
  const ET2 = X.pow(2).mul(B2.pow(2).mul(1.5).add(B1.mul(B2)).add(B1.pow(2).mul(1.5)));
  return ET2.mul(n).add(ET.pow(2).mul(n * (n - 1)));
}

describe('kiiMoments', () => {
  it('E Y² of Σσ(z_j)² is n(n + 5)/4', () => {
    expect(reluChiSecondMoment(1)).toBe(1.5);
    expect(reluChiSecondMoment(4)).toBe(9); // 4·3/2 + 12/4
  });

  it('L = 2: the mean is exact and the bound lies above the exact second moment, within the Minkowski slack', () => {
    for (const n of [1, 3, 16, 48]) {
      for (const [b1, b2, x2] of [
        [1, 1, 1],
        [0.5, 2, 3.25],
        [Math.sqrt(2 / 5), Math.sqrt(2 / n), 7],
      ]) {
        const m = kiiMoments([5, n, 1], [b1, b2], x2);
        const exactMean = new Decimal(x2)
          .mul(n)
          .div(2)
          .mul(new Decimal(b1).pow(2).add(new Decimal(b2).pow(2)));
        expect(Math.abs(m.mean - exactMean.toNumber())).toBeLessThanOrEqual(m.relativeError * m.mean);
        const exact = exactSecondMomentL2(n, b1, b2, x2).toNumber();
        expect(m.secondMomentBound).toBeGreaterThanOrEqual(exact);
        // the slack: (√(n(n+1)/4 − 1 + 2^{−n}) + √3)² against n(n+5)/4, at most 1.7× (n = 3) and 1.07× at n = 48
        expect(m.secondMomentBound / exact).toBeLessThan(n >= 48 ? 1.08 : n >= 16 ? 1.21 : 2);
      }
    }
  });

  it('the mean equals expectedEmpiricalNtkDiagonal for deeper networks', () => {
    const arch = { inputDim: 7, widths: [5, 9, 4], init: { beta: [1.3, 0.7, 1.1, 0.9] } };
    const x = singleRow([1, -2, 0.5, 3, -1, 0.25, 2]);
    const e = expectedEmpiricalNtkDiagonal({ dims: architectureDims(arch), betas: resolveBetas(arch) }, x)[0];
    const m = kiiMoments(architectureDims(arch), resolveBetas(arch), 1 + 4 + 0.25 + 9 + 1 + 0.0625 + 4);
    expect(Math.abs(m.mean - e)).toBeLessThanOrEqual(m.relativeError * e);
  });

  it('L = 3, 4: the bound lies above the Monte Carlo second moment of 8000 networks (and within 4× of it)', () => {
    for (const [d, widths] of [
      [3, [8, 8]],
      [4, [5, 12, 6]],
    ] as const) {
      const arch = { inputDim: d, widths: [...widths], init: 'he' as const };
      const x = singleRow(Array.from({ length: d }, (_, i) => 1 - 0.3 * i));
      let x2 = 0;
      for (const v of x.data) x2 += v * v;
      const m = kiiMoments(architectureDims(arch), resolveBetas(arch), x2);
      const s = ntkDiagonalSample(arch, x, 8000, `moments/${d}`);
      let s2 = 0;
      for (const v of s.values) s2 += v * v;
      s2 /= s.values.length;
      expect(Math.abs(s.mean / m.mean - 1)).toBeLessThan(0.03);
      expect(m.secondMomentBound).toBeGreaterThan(1.05 * s2);
      expect(m.secondMomentBound).toBeLessThan(4 * s2);
    }
  });

  it('rejects a non-scalar output and mismatched β', () => {
    expect(() => kiiMoments([3, 4, 2], [1, 1], 1)).toThrow(/n_L must be 1/);
    expect(() => kiiMoments([3, 4, 1], [1], 1)).toThrow(/betas/);
  });
});

describe('kiiMomentEnclosures', () => {
  it('holds E K̄_ii = ‖x‖²·Π_{m<L} n_m/2·Σ_l Π_{m≠l}β_m² exactly (β = 1, 2⁻¹) and the moments of kiiMoments over the interval of ‖x‖²', () => {
    const dims = [3, 4, 6, 1];
    for (const [b, x2, exactMean] of [
      [1, 2.5, 2.5 * 2 * 3 * 3],
      [0.5, 3, 3 * 2 * 3 * 3 * 2 ** -4],
    ] as const) {
      const betas = [b, b, b];
      const e = kiiMomentEnclosures(dims, betas, interval(x2));
      expect(e.mean.contains(exactMean)).toBe(true);
      const wide = kiiMomentEnclosures(dims, betas, interval(x2, 2 * x2));
      for (const t of [x2, 1.5 * x2, 2 * x2]) {
        const m = kiiMoments(dims, betas, t);
        expect(wide.mean.contains(m.mean) && wide.secondMoment.contains(m.secondMomentBound) && wide.variance.contains(m.varianceBound), `‖x‖² = ${t}`).toBe(
          true,
        );
      }
      expect(e.mean.radius).toBeLessThan(1e-13 * exactMean);
    }
  });
});
