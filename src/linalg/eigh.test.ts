import { describe, expect, it } from 'vitest';
import { mlEigenvalues } from '../../test/support/mlMatrix.ts';
import { eigh, eigvalsh, eigvalshMin, tridiagonalEigen, smallestEigenvalueTridiagonal, sturmCount } from './eigh.ts';
import { gram } from './blas.ts';
import { type Matrix, UNIT_ROUNDOFF } from './matrix.ts';
import { createRng } from '../random/rng.ts';
import { gaussianMatrix } from '../random/distributions.ts';

function symmetricGaussian(n: number, seed: string): Matrix {
  const g = gaussianMatrix(createRng(seed), n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) g.data[j * n + i] = g.data[i * n + j];
  return g;
}

describe('eigh / eigvalsh', () => {
  it('eigenvalues agree with ml-matrix EVD; vectors are orthonormal with small residual', () => {
    for (const n of [1, 2, 3, 10, 47, 120]) {
      const a = symmetricGaussian(n, `eigh-${n}`);
      const { values, vectors } = eigh(a);
      const vals2 = eigvalsh(a);
      const ref = mlEigenvalues(a);
      const norm = Math.max(...ref.map(Math.abs));
      const tol = 50 * n * UNIT_ROUNDOFF * norm;
      for (let k = 0; k < n; k++) {
        expect(Math.abs(values[k] - ref[k])).toBeLessThanOrEqual(tol);
        expect(Math.abs(vals2[k] - ref[k])).toBeLessThanOrEqual(tol);
        if (k > 0) expect(values[k]).toBeGreaterThanOrEqual(values[k - 1]);
      }
      const v = vectors.data;
      for (let p = 0; p < n; p++)
        for (let q = 0; q < n; q++) {
          let s = 0;
          for (let r = 0; r < n; r++) s += v[r * n + p] * v[r * n + q];
          expect(Math.abs(s - (p === q ? 1 : 0))).toBeLessThan(1e-12 * Math.max(1, n));
        }
      for (let k = 0; k < n; k++)
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let j = 0; j < n; j++) s += a.data[i * n + j] * v[j * n + k];
          expect(Math.abs(s - values[k] * v[i * n + k])).toBeLessThanOrEqual(tol);
        }
    }
  });

  it('handles diagonal, zero and rank-deficient matrices', () => {
    const d: Matrix = { rows: 3, cols: 3, data: Float64Array.from([3, 0, 0, 0, -1, 0, 0, 0, 2]) };
    expect(Array.from(eigvalsh(d))).toEqual([-1, 2, 3]);
    expect(Array.from(eigvalsh({ rows: 2, cols: 2, data: new Float64Array(4) }))).toEqual([0, 0]);
    const f = gaussianMatrix(createRng('rankdef'), 8, 3);
    const g = gram(f);
    const vals = eigvalsh(g);
    for (let k = 0; k < 5; k++) expect(Math.abs(vals[k])).toBeLessThan(1e-13 * vals[7]);
  });

  it('rejects non-finite and non-symmetric input', () => {
    expect(() => eigvalsh({ rows: 2, cols: 2, data: Float64Array.from([1, NaN, NaN, 1]) })).toThrow(RangeError);
    expect(() => eigh({ rows: 2, cols: 2, data: Float64Array.from([1, 2, 2.0000001, 1]) })).toThrow(RangeError);
    expect(() => eigh({ rows: 2, cols: 3, data: new Float64Array(6) })).toThrow(RangeError);
  });
});

describe('tridiagonal helpers', () => {
  it('tridiagonalEigen, Sturm count and bisection agree with the dense solver', () => {
    const n = 30;
    const rng = createRng('tri');
    const d = Array.from({ length: n }, () => rng.next() * 4 - 2);
    const off = Array.from({ length: n - 1 }, () => rng.next() - 0.5);
    const dense = new Float64Array(n * n);
    for (let i = 0; i < n; i++) dense[i * n + i] = d[i];
    for (let i = 0; i < n - 1; i++) dense[i * n + i + 1] = dense[(i + 1) * n + i] = off[i];
    const ref = mlEigenvalues({ rows: n, cols: n, data: dense });
    const { values, vectorRows } = tridiagonalEigen(d, off, n);
    for (let k = 0; k < n; k++) expect(values[k]).toBeCloseTo(ref[k], 12);
    // T y = λ y for the last pair
    const y = vectorRows.subarray((n - 1) * n);
    for (let i = 0; i < n; i++) {
      const ty = d[i] * y[i] + (i > 0 ? off[i - 1] * y[i - 1] : 0) + (i < n - 1 ? off[i] * y[i + 1] : 0);
      expect(ty).toBeCloseTo(values[n - 1] * y[i], 12);
    }
    expect(smallestEigenvalueTridiagonal(d, off, n)).toBeCloseTo(ref[0], 13);
    expect(sturmCount(d, off, n, (ref[4] + ref[5]) / 2)).toBe(5);
  });

  it("eigvalshMin (tridiagonalisation + bisection) agrees with ml-matrix's smallest eigenvalue to a few u·‖A‖, also for singular, indefinite and extreme-scale matrices", () => {
    const cases: [string, Matrix][] = [];
    for (const n of [1, 2, 5, 17, 40, 64]) cases.push([`gaussian ${n}`, symmetricGaussian(n, `min-${n}`)]);
    // rank-deficient PSD (λ_min = 0 exactly): X Xᵀ with X of shape 12 × 3
    cases.push(['rank 3 of 12', gram(gaussianMatrix(createRng('rankdef'), 12, 3))]);
    for (const sc of [1e-150, 1e150]) {
      const a = symmetricGaussian(9, `scale-${sc}`);
      cases.push([`scale ${sc}`, { ...a, data: a.data.map((v) => v * sc) }]);
    }
    for (const [what, a] of cases) {
      const ref = mlEigenvalues(a)[0];
      let norm = 0;
      for (let i = 0; i < a.rows; i++) {
        let r = 0;
        for (let j = 0; j < a.rows; j++) r += Math.abs(a.data[i * a.rows + j]);
        norm = Math.max(norm, r);
      }
      const got = eigvalshMin(a);
      expect(Math.abs(got - ref), what).toBeLessThanOrEqual(16 * a.rows * UNIT_ROUNDOFF * norm);
      expect(Math.abs(got - eigvalsh(a)[0]), what).toBeLessThanOrEqual(16 * a.rows * UNIT_ROUNDOFF * norm);
    }
    expect(() => eigvalshMin({ rows: 2, cols: 2, data: Float64Array.from([1, 2, 3, 4]) })).toThrow(/symmetric/);
  });
});
