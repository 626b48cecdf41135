import { describe, expect, it } from 'vitest';
import { Matrix as MlMatrix, CholeskyDecomposition } from 'ml-matrix';
import { choleskyInPlace, solveLowerInPlace, solveLowerTransposeInPlace, solveUpperInPlace } from './cholesky.ts';
import { gram } from './blas.ts';
import { createRng } from '../random/rng.ts';
import { gaussianMatrix } from '../random/distributions.ts';

function spd(n: number, seed: string) {
  const f = gaussianMatrix(createRng(seed), n, n + 5);
  return gram(f);
}

describe('choleskyInPlace', () => {
  it('agrees with ml-matrix CholeskyDecomposition for sizes around the 4×2 blocking', () => {
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 31, 64, 101]) {
      const k = spd(n, `chol-${n}`);
      const a = Float64Array.from(k.data);
      expect(choleskyInPlace(a, n)).toEqual({ ok: true });
      const ref = new CholeskyDecomposition(new MlMatrix(Array.from({ length: n }, (_, i) => Array.from(k.data.subarray(i * n, i * n + n)))))
        .lowerTriangularMatrix;
      let scale = 0;
      for (let i = 0; i < n; i++) scale = Math.max(scale, Math.sqrt(k.data[i * n + i]));
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) expect(Math.abs(a[i * n + j] - ref.get(i, j))).toBeLessThan(1e-10 * scale);
    }
  });

  it('leaves the strict upper triangle untouched', () => {
    const n = 10;
    const k = spd(n, 'upper');
    const a = Float64Array.from(k.data);
    choleskyInPlace(a, n);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(a[i * n + j]).toBe(k.data[i * n + j]);
  });

  it('reports the failing row on an indefinite matrix and on NaN', () => {
    // diag(1, 1, −1, 1): fails at row 2
    const n = 4;
    const a = new Float64Array(n * n);
    [1, 1, -1, 1].forEach((v, i) => (a[i * n + i] = v));
    expect(choleskyInPlace(a, n)).toEqual({ ok: false, failedAt: 2 });
    const b = new Float64Array(n * n);
    [1, 1, 1, 1].forEach((v, i) => (b[i * n + i] = v));
    b[3 * n + 1] = NaN;
    expect(choleskyInPlace(b, n).ok).toBe(false);
    // singular rank-1 matrix of size 9: must fail somewhere (pivot exactly 0 or negative)
    const c = new Float64Array(81).fill(1);
    expect(choleskyInPlace(c, 9).ok).toBe(false);
  });

  it('triangular solves invert L, Lᵀ and U', () => {
    const n = 23;
    const k = spd(n, 'solve');
    const l = Float64Array.from(k.data);
    choleskyInPlace(l, n);
    const x = gaussianMatrix(createRng('rhs'), 1, n).data;
    const b = new Float64Array(n); // b = K x
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i] += k.data[i * n + j] * x[j];
    solveLowerInPlace(l, n, b);
    solveLowerTransposeInPlace(l, n, b);
    for (let i = 0; i < n; i++) expect(b[i]).toBeCloseTo(x[i], 8);
    // U = Lᵀ stored in the upper triangle
    const u = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) u[j * n + i] = l[i * n + j];
    const y = Float64Array.from(x);
    const ux = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) ux[i] += u[i * n + j] * y[j];
    solveUpperInPlace(u, n, ux);
    for (let i = 0; i < n; i++) expect(ux[i]).toBeCloseTo(x[i], 10);
  });
});
