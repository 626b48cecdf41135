import { describe, expect, it } from 'vitest';
import { mlEigenvalues, toMl } from '../../test/support/mlMatrix.ts';
import { SingularValueDecomposition } from 'ml-matrix';
import { norm2UpperBound, norm2Estimate, norm2LowerBound, frobeniusNorm, lambdaMaxCertified } from './norm.ts';
import { gram } from './blas.ts';
import type { Matrix } from './matrix.ts';
import { createRng } from '../random/rng.ts';
import { gaussianMatrix } from '../random/distributions.ts';

describe('norms', () => {
  it('norm2UpperBound ≥ ‖W‖₂ (ml-matrix SVD) and is tight; lower bound ≤ ‖W‖₂', () => {
    for (const [r, c, scale] of [
      [1, 1, 1],
      [3, 8, 1],
      [40, 7, 1e-100],
      [50, 50, 1e100],
      [120, 30, 1],
    ] as const) {
      const w = gaussianMatrix(createRng(`n-${r}-${c}`), r, c, scale);
      const ref = new SingularValueDecomposition(toMl(w), { autoTranspose: true }).norm2;
      const ub = norm2UpperBound(w);
      expect(ub).toBeGreaterThanOrEqual(ref * (1 - 1e-15));
      expect(ub / ref - 1).toBeLessThan(1e-9);
      expect(norm2LowerBound(w)).toBeLessThanOrEqual(ref * (1 + 1e-15));
      expect(norm2Estimate(w)).toBeCloseTo(ref, 8 - Math.round(Math.log10(Math.max(ref, 1))));
    }
  });

  it('frobeniusNorm matches the definition without overflow', () => {
    const w: Matrix = { rows: 2, cols: 2, data: Float64Array.from([3e200, 4e200, 0, 0]) };
    expect(frobeniusNorm(w)).toBeCloseTo(5e200, -190);
    expect(frobeniusNorm({ rows: 1, cols: 3, data: Float64Array.from([1, 2, 2]) })).toBe(3);
  });

  it('lambdaMaxCertified encloses λ_max (ml-matrix EVD), also with a clustered top', () => {
    const g = gram(gaussianMatrix(createRng('lm'), 30, 40));
    const ref = mlEigenvalues(g).at(-1)!;
    const r = lambdaMaxCertified(g);
    expect(r.lower).toBeLessThanOrEqual(ref * (1 + 1e-14));
    expect(r.upper).toBeGreaterThanOrEqual(ref * (1 - 1e-14));
    const id: Matrix = { rows: 3, cols: 3, data: Float64Array.from([2, 0, 0, 0, 2, 0, 0, 0, 1]) };
    const r2 = lambdaMaxCertified(id);
    expect(r2.lower).toBeLessThanOrEqual(2);
    expect(r2.upper).toBeGreaterThanOrEqual(2);
    expect(r2.upper - r2.lower).toBeLessThan(1e-10);
  });
});

describe('lambdaMaxCertified with an unbounded entryError', () => {
  const g = gram(gaussianMatrix(createRng('lmax-unbounded'), 4, 6));
  it('gives [−∞, ∞] with the estimate of G itself; NaN or a negative entryError throws', () => {
    const r = lambdaMaxCertified(g, { entryError: Infinity });
    expect(r.lower).toBe(-Infinity);
    expect(r.upper).toBe(Infinity);
    expect(r.estimate).toBe(lambdaMaxCertified(g).estimate);
    expect(r.estimate).toBeCloseTo(Math.max(...mlEigenvalues(g)), 10);
    expect(r.method).toMatch(/entry error unbounded/);
    for (const entryError of [NaN, -1]) expect(() => lambdaMaxCertified(g, { entryError })).toThrow(RangeError);
  });
});
