import { describe, expect, it } from 'vitest';
import { hermiteHalfMonomialExact, hermiteHalfMonomialNumerator } from './hermiteExact.ts';
import { hermiteCoefficientsQuadrature } from './quadrature.ts';

describe('hermiteHalfMonomialExact', () => {
  it('gives the known low-order coefficients of ReLU and of the step', () => {
    expect(hermiteHalfMonomialExact(1, 0).value).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 15);
    expect(hermiteHalfMonomialExact(1, 1).value).toBe(0.5);
    expect(hermiteHalfMonomialExact(1, 2).value).toBeCloseTo(1 / (2 * Math.sqrt(Math.PI)), 15);
    expect(hermiteHalfMonomialNumerator(1, 3).s).toBe(0n);
    expect(hermiteHalfMonomialNumerator(1, 7).s).toBe(0n);
    expect(hermiteHalfMonomialExact(0, 0).value).toBe(0.5);
    expect(hermiteHalfMonomialExact(0, 1).value).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 15);
    expect(hermiteHalfMonomialNumerator(0, 4).s).toBe(0n);
    // μ_4² = 1/(48π), μ_8² = 225/(80640π)
    expect(hermiteHalfMonomialExact(1, 4).value ** 2).toBeCloseTo(1 / (48 * Math.PI), 15);
    expect(hermiteHalfMonomialExact(1, 8).value ** 2 * 80640 * Math.PI).toBeCloseTo(225, 10);
  });
  it('agrees with quadrature (an independent method) for r ≤ 20', () => {
    const q1 = hermiteCoefficientsQuadrature((t) => (t > 0 ? t : 0), 20, { breakpoints: [0] });
    const q0 = hermiteCoefficientsQuadrature((t) => (t > 0 ? 1 : 0), 20, { breakpoints: [0] });
    for (let r = 0; r <= 20; r++) {
      expect(Math.abs(hermiteHalfMonomialExact(1, r).value - q1[r])).toBeLessThan(1e-13);
      expect(Math.abs(hermiteHalfMonomialExact(0, r).value - q0[r])).toBeLessThan(1e-13);
    }
  });
});
