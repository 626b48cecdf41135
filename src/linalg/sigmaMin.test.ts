import { describe, expect, it } from 'vitest';
import { randomOrthogonal, toMl } from '../../test/support/mlMatrix.ts';
import { SingularValueDecomposition } from 'ml-matrix';
import { sigmaMinCertified } from './sigmaMin.ts';
import type { Matrix } from './matrix.ts';
import { createRng } from '../random/rng.ts';
import { gaussianMatrix } from '../random/distributions.ts';

/** U diag(s) Vᵀ with U, V from QR of Gaussian matrices (ml-matrix). */
function knownSingularValues(nRows: number, nCols: number, s: number[], seed: string): Matrix {
  const u = randomOrthogonal(nRows, `${seed}-u`);
  const v = randomOrthogonal(nCols, `${seed}-v`);
  const f = new Float64Array(nRows * nCols);
  for (let i = 0; i < nRows; i++)
    for (let j = 0; j < nCols; j++) {
      let t = 0;
      for (let k = 0; k < s.length; k++) t += u.get(i, k) * s[k] * v.get(j, k);
      f[i * nCols + j] = t;
    }
  return { rows: nRows, cols: nCols, data: f };
}

const refSigmaMin = (f: Matrix) => {
  const sv = new SingularValueDecomposition(toMl(f), { autoTranspose: true }).diagonal;
  return Math.min(...sv.slice(0, Math.min(f.rows, f.cols)));
};

describe('sigmaMinCertified', () => {
  it('contains σ_min of matrices with known singular values, κ up to 1e8, relative width ≤ 1e-6', () => {
    // biome-ignore format: a table of cases, kept on one line
    const shapes = [[15, 40], [40, 15], [100, 100], [30, 100]] as const;
    for (const [nr, nc] of shapes) {
      const p = Math.min(nr, nc);
      for (const kappa of [1, 1e3, 1e6, 1e8]) {
        const s = Array.from({ length: p }, (_, i) => kappa ** (-i / Math.max(1, p - 1)));
        const f = knownSingularValues(nr, nc, s, `ks-${nr}-${nc}`);
        const r = sigmaMinCertified(f);
        const ref = refSigmaMin(f);
        const sMin = 1 / kappa;
        // ml-matrix's SVD (and the formation of F) are accurate to ~1e-15 absolute, i.e. relative 1e-15·κ
        const slack = 1e-14;
        expect(r.lower).toBeLessThanOrEqual(ref + slack);
        expect(r.upper).toBeGreaterThanOrEqual(ref - slack);
        expect(r.lower).toBeLessThanOrEqual(sMin + slack);
        expect(r.upper).toBeGreaterThanOrEqual(sMin - slack);
        expect(r.lower).toBeLessThanOrEqual(r.estimate);
        expect(r.estimate).toBeLessThanOrEqual(r.upper);
        expect((r.upper - r.lower) / sMin).toBeLessThanOrEqual(1e-6);
      }
    }
  });

  it('beats √λ_min(F Fᵀ) on an ill-conditioned matrix (does not square κ)', () => {
    const s = Array.from({ length: 20 }, (_, i) => 10 ** ((-9 * i) / 19));
    const f = knownSingularValues(20, 30, s, 'squared');
    const r = sigmaMinCertified(f);
    expect(Math.abs(r.estimate - 1e-9) / 1e-9).toBeLessThan(1e-5);
    expect(r.lower).toBeGreaterThan(0);
  });

  it('Gaussian matrices agree with ml-matrix SVD; entryError widens the enclosure', () => {
    // biome-ignore format: a table of cases, kept on one line
    const shapes = [[1, 1], [1, 5], [5, 1], [13, 29], [64, 20]] as const;
    for (const [nr, nc] of shapes) {
      const f = gaussianMatrix(createRng(`g-${nr}-${nc}`), nr, nc);
      const r = sigmaMinCertified(f);
      const ref = refSigmaMin(f);
      expect(r.lower).toBeLessThanOrEqual(ref * (1 + 1e-13));
      expect(r.upper).toBeGreaterThanOrEqual(ref * (1 - 1e-13));
      expect((r.upper - r.lower) / ref).toBeLessThan(1e-9);
      const r2 = sigmaMinCertified(f, { entryError: 1e-3 });
      expect(r2.lower).toBeLessThanOrEqual(r.lower - 1e-3 * (1 - 1e-12));
      expect(r2.upper).toBeGreaterThanOrEqual(r.upper + 1e-3 * (1 - 1e-12));
    }
  });

  it('rank-deficient input: lower ≤ 0, valid upper; non-finite input throws', () => {
    const f: Matrix = { rows: 3, cols: 4, data: Float64Array.from([1, 2, 3, 4, 2, 4, 6, 8, 0, 1, 0, 1]) };
    const r = sigmaMinCertified(f);
    expect(r.lower).toBeLessThanOrEqual(1e-15);
    expect(r.upper).toBeGreaterThanOrEqual(0);
    expect(() => sigmaMinCertified({ rows: 1, cols: 2, data: Float64Array.from([1, NaN]) })).toThrow(RangeError);
  });
});

describe('sigmaMinCertified with an unbounded entryError', () => {
  const f = gaussianMatrix(createRng('sigma-unbounded'), 3, 5);
  it('gives [−∞, ∞] with the estimate of F itself; NaN or a negative entryError throws', () => {
    const r = sigmaMinCertified(f, { entryError: Infinity });
    expect(r.lower).toBe(-Infinity);
    expect(r.upper).toBe(Infinity);
    expect(r.estimate).toBe(sigmaMinCertified(f).estimate);
    expect(r.estimate).toBeCloseTo(refSigmaMin(f), 10);
    for (const entryError of [NaN, -1]) expect(() => sigmaMinCertified(f, { entryError })).toThrow(RangeError);
    expect(() => sigmaMinCertified({ rows: 1, cols: 2, data: Float64Array.from([1, NaN]) }, { entryError: Infinity })).toThrow(RangeError);
  });
});
