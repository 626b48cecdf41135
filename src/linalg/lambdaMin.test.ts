import { describe, expect, it } from 'vitest';
import { mlEigenvalues, randomOrthogonal } from '../../test/support/mlMatrix.ts';
import { test, fc } from '@fast-check/vitest';
import { Decimal } from 'decimal.js';
import { exactDecimal } from '../../test/support/exactDecimal.ts';
import { gram } from './blas.ts';
import { certifyLambdaMinAtLeast, lambdaMinCertified } from './lambdaMin.ts';
import { type Matrix, UNIT_ROUNDOFF } from './matrix.ts';
import { createRng, gaussian } from '../random/rng.ts';
import { gaussianMatrix } from '../random/distributions.ts';

/** Q diag(λ) Qᵀ with Q from the QR factorisation of a Gaussian matrix (ml-matrix), made exactly symmetric. */
function knownSpectrum(lam: number[], seed: string): Matrix {
  const n = lam.length;
  const q = randomOrthogonal(n, seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q.get(i, k) * lam[k] * q.get(j, k);
      a[i * n + j] = s;
      a[j * n + i] = s;
    }
  return { rows: n, cols: n, data: a };
}

function refLambdaMin(k: Matrix): number {
  return mlEigenvalues(k)[0];
}

/**
 * Independent oracle in 300-digit arithmetic: is K − bI (exact) positive definite? Returns 'pd',
 * 'not-psd' (a negative leading pivot after positive ones ⇒ a negative leading minor), or 'unclear'.
 */
function definiteness(k: Matrix, b: number): 'pd' | 'not-psd' | 'unclear' {
  Decimal.set({ precision: 300 });
  const n = k.rows;
  const a: Decimal[][] = [];
  const bd = exactDecimal(b);
  for (let i = 0; i < n; i++)
    a.push(Array.from({ length: n }, (_, j) => (i === j ? exactDecimal(k.data[i * n + j]).minus(bd) : exactDecimal(k.data[i * n + j]))));
  const tiny = new Decimal(10).pow(-250);
  for (let p = 0; p < n; p++) {
    const piv = a[p][p];
    if (piv.lt(tiny.neg())) return 'not-psd';
    if (piv.abs().lte(tiny)) return 'unclear';
    for (let i = p + 1; i < n; i++) {
      const f = a[i][p].div(piv);
      for (let j = p + 1; j < n; j++) a[i][j] = a[i][j].minus(f.times(a[p][j]));
    }
  }
  return 'pd';
}

const smallSymmetric = fc
  .record({
    n: fc.integer({ min: 1, max: 6 }),
    seed: fc.integer({ min: 0, max: 1e9 }),
    kind: fc.constantFrom('gaussian', 'gram-near-singular', 'known-spectrum', 'tiny-scale', 'huge-scale'),
    logLambdaMin: fc.integer({ min: -15, max: 0 }),
  })
  .map(({ n, seed, kind, logLambdaMin }): Matrix => {
    const rng = createRng(`prop-${seed}`);
    if (kind === 'known-spectrum' || kind === 'gram-near-singular') {
      const lam = Array.from({ length: n }, (_, i) => (i === 0 ? 10 ** logLambdaMin : 10 ** (-3 * rng.next())));
      if (kind === 'gram-near-singular') lam[0] = 0;
      return knownSpectrum(lam, `q-${seed}`);
    }
    const scale = kind === 'tiny-scale' ? 1e-150 : kind === 'huge-scale' ? 1e150 : 1;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = scale * gaussian(rng);
    return { rows: n, cols: n, data: a };
  });

const outcomes = { certified: 0, refused: 0 };

describe('certifyLambdaMinAtLeast', () => {
  test.prop([smallSymmetric, fc.constantFrom(-1e-3, -1e-8, -1e-12, -1e-14, 0, 1e-15, 1e-12, 1e-10, 1e-6), fc.constantFrom(0, 1e-14, 1e-9)], { numRuns: 250 })(
    'never certifies b > λ_min(K_true) (exact 300-digit oracle; entryError subtracted)',
    (k, rel, entryError) => {
      const lam = refLambdaMin(k);
      const scale = Math.max(Math.abs(lam), 1e-300);
      const b = lam + rel * scale;
      const e = entryError * scale;
      const r = certifyLambdaMinAtLeast(k, b, { entryError: e });
      outcomes[r.certified ? 'certified' : 'refused']++;
      if (r.certified) {
        // λ_min(K) − e ≥ b must hold exactly: K − (b + e)I positive (semi)definite.
        expect(r.lowerBound).toBeGreaterThanOrEqual(b);
        const bShift = b + e;
        // b + e rounded up can only make the oracle stricter if rounding went up; use the smaller of the two
        const verdict = definiteness(k, bShift - Math.abs(bShift) * 2 ** -52);
        expect(verdict).not.toBe('not-psd');
        expect(b).toBeLessThanOrEqual(lam + 10 * k.rows * UNIT_ROUNDOFF * Math.max(...Array.from(k.data, Math.abs)));
      }
    },
  );

  it('the property above exercised both outcomes', () => {
    expect(outcomes.certified).toBeGreaterThan(30);
    expect(outcomes.refused).toBeGreaterThan(30);
  });

  it('certifies comfortably inside and refuses just above λ_min (relative 1e-10)', () => {
    const n = 200;
    const lam = Array.from({ length: n }, (_, i) => (i === 0 ? 1e-6 : 10 ** (-5 * (i / n))));
    const k = knownSpectrum(lam, 'inside');
    const lmin = refLambdaMin(k);
    expect(certifyLambdaMinAtLeast(k, 0.5 * lmin).certified).toBe(true);
    expect(certifyLambdaMinAtLeast(k, lmin * (1 - 1e-4)).certified).toBe(true);
    expect(certifyLambdaMinAtLeast(k, lmin * (1 + 1e-10)).certified).toBe(false);
    expect(certifyLambdaMinAtLeast(k, lmin * (1 + 1e-10), { entryError: 0 }).certified).toBe(false);
    // entryError is subtracted: with e = λ_min/2, b = 0.6 λ_min is no longer provable
    expect(certifyLambdaMinAtLeast(k, 0.6 * lmin, { entryError: 0.5 * lmin }).certified).toBe(false);
    expect(certifyLambdaMinAtLeast(k, 0.4 * lmin, { entryError: 0.5 * lmin }).certified).toBe(true);
  });

  it('throws RangeError on non-finite, non-symmetric or non-square input', () => {
    const ok: Matrix = { rows: 2, cols: 2, data: Float64Array.from([2, 1, 1, 2]) };
    expect(certifyLambdaMinAtLeast(ok, 0.9).certified).toBe(true);
    expect(certifyLambdaMinAtLeast(ok, 1.0000001).certified).toBe(false);
    expect(() => certifyLambdaMinAtLeast({ rows: 2, cols: 2, data: Float64Array.from([2, 1, 1, NaN]) }, 0)).toThrow(RangeError);
    expect(() => certifyLambdaMinAtLeast({ rows: 2, cols: 2, data: Float64Array.from([2, 1, 1, Infinity]) }, 0)).toThrow(RangeError);
    expect(() => certifyLambdaMinAtLeast({ rows: 2, cols: 2, data: Float64Array.from([2, 1, 1 + 2 ** -52, 2]) }, 0)).toThrow(RangeError);
    expect(() => certifyLambdaMinAtLeast({ rows: 2, cols: 3, data: new Float64Array(6) }, 0)).toThrow(RangeError);
    expect(() => certifyLambdaMinAtLeast(ok, NaN)).toThrow(RangeError);
    expect(() => certifyLambdaMinAtLeast(ok, 0, { entryError: -1 })).toThrow(RangeError);
    expect(() => lambdaMinCertified({ rows: 2, cols: 2, data: Float64Array.from([2, 1, 0, 2]) })).toThrow(RangeError);
  });
});

describe('lambdaMinCertified', () => {
  test.prop([smallSymmetric, fc.constantFrom(0, 1e-12)], { numRuns: 200 })(
    'encloses λ_min: K − lower·I is PSD and K − upper·I is not PD (exact oracle)',
    (k, entryError) => {
      const r = lambdaMinCertified(k, { entryError });
      expect(r.lower).toBeLessThanOrEqual(r.estimate);
      expect(r.estimate).toBeLessThanOrEqual(r.upper);
      expect(definiteness(k, r.lower + entryError)).not.toBe('not-psd');
      if (entryError === 0) expect(definiteness(k, r.upper)).not.toBe('pd');
      const lam = refLambdaMin(k);
      const tol = 20 * k.rows * UNIT_ROUNDOFF * Math.max(...Array.from(k.data, Math.abs));
      expect(r.lower).toBeLessThanOrEqual(lam + tol);
      expect(r.upper).toBeGreaterThanOrEqual(lam - tol);
    },
  );

  it('known spectra, λ_min from 1 down to 1e-12·λ_max: enclosure contains λ_min, estimate accurate', () => {
    for (const n of [40, 150, 400]) {
      // n = 400 (the blocked path; the reference eigensolver costs ~1 s each): the two ends of the range only
      for (const lmin of n === 400 ? [1e-2, 1e-12] : [1, 1e-2, 1e-6, 1e-9, 1e-12]) {
        const rng = createRng(`ks-${n}-${lmin}`);
        const lam = Array.from({ length: n }, (_, i) => (i === 0 ? lmin : i === 1 ? 1 : 10 ** (0.9 * Math.log10(lmin) * rng.next())));
        const k = knownSpectrum(lam, `ks-${n}`);
        const r = lambdaMinCertified(k);
        const ref = refLambdaMin(k); // independent solver on the same float matrix
        // The float matrix differs from Q diag(λ) Qᵀ by ~u‖K‖: allow that in the comparison with lmin.
        const formErr = 4 * Math.sqrt(n) * UNIT_ROUNDOFF;
        expect(r.lower).toBeLessThanOrEqual(ref + formErr);
        expect(r.upper).toBeGreaterThanOrEqual(ref - formErr);
        expect(Math.abs(r.estimate - lmin)).toBeLessThanOrEqual(Math.max(1e-4 * lmin, formErr) + 1e-13 * lmin);
        expect(Math.abs(r.estimate - ref)).toBeLessThanOrEqual(Math.max(1e-4 * lmin, formErr));
        if (lmin >= 1e-6) {
          // well separated from the Rump term: the enclosure is tight
          expect((r.upper - r.lower) / lmin).toBeLessThan(1e-6 * (lmin >= 1e-2 ? 1 : 1e3));
        }
      }
    }
  });

  it('indefinite matrices: enclosure still valid', () => {
    const n = 90;
    const lam = Array.from({ length: n }, (_, i) => (i < 3 ? -1 - i : 1 + i / n));
    const k = knownSpectrum(lam, 'indef');
    const r = lambdaMinCertified(k);
    expect(r.lower).toBeLessThanOrEqual(-3 + 1e-12);
    expect(r.upper).toBeGreaterThanOrEqual(-3 - 1e-12);
    expect(r.estimate).toBeCloseTo(-3, 10);
  });

  it('entryError widens both ends by at least entryError', () => {
    const k = knownSpectrum([0.5, 1, 2, 3, 4], 'ee');
    const a = lambdaMinCertified(k);
    const b = lambdaMinCertified(k, { entryError: 1e-3 });
    expect(b.lower).toBeLessThanOrEqual(a.lower - 1e-3);
    expect(b.upper).toBeGreaterThanOrEqual(a.upper + 1e-3 * (1 - 1e-12));
  });
});

describe('lambdaMinCertified with a lent work buffer', () => {
  it('gives the same enclosure as with its own buffer, and rejects a short buffer', () => {
    for (const n of [20, 120]) {
      const f = gaussianMatrix(createRng(`work-${n}`), n, 2 * n);
      const k = gram(f);
      const own = lambdaMinCertified(k);
      const lent = lambdaMinCertified(k, { work: new Float64Array(n * n).fill(7) });
      expect(lent).toEqual(own);
      expect(() => lambdaMinCertified(k, { work: new Float64Array(n) })).toThrow(/work/);
    }
  });
});

describe('lambdaMinCertified: back-off shifts that overflow to −∞', () => {
  it('encloses the exact λ_min and counts only the factorisations at finite shifts', () => {
    // Blocks [[1, 9], [9, 1]]: eigenvalues 10 and −8, exact in float64, so λ_min = −8 exactly. With relTol = 1e306 the
    // back-off shifts −8 − 8^a·δ, δ = relTol·8 = 8e306, are finite for a = 0, 1 (8e306, 6.4e307) and −∞ from a = 2 on:
    // the shifted Cholesky cannot succeed at −∞ (the diagonal k_ii − s is +∞), so each of the two back-off loops
    // (small-n estimate, final lower bound) tries exactly 2 shifts.
    for (const n of [6, 10, 40]) {
      const k: Matrix = { rows: n, cols: n, data: new Float64Array(n * n) };
      for (let i = 0; i < n; i += 2) {
        k.data[i * n + i] = k.data[(i + 1) * n + i + 1] = 1;
        k.data[i * n + i + 1] = k.data[(i + 1) * n + i] = 9;
      }
      const r = lambdaMinCertified(k, { relTol: 1e306 });
      expect(r.lower).toBeLessThanOrEqual(-8);
      expect(r.upper).toBeGreaterThanOrEqual(-8);
      expect(r.factorizations).toBe(4);
    }
  });
});

describe('an unbounded entryError (nothing known about K_true)', () => {
  const k = knownSpectrum([0.5, 1, 2, 3, 4], 'unbounded-entry-error');
  const kBig = knownSpectrum([1, 2, 3], 'unbounded-entry-error-big');
  for (let i = 0; i < kBig.data.length; i++) kBig.data[i] *= 2 ** 600; // exercises the prescaled path
  it('lambdaMinCertified gives [−∞, ∞] with the estimate of K itself', () => {
    for (const m of [k, kBig]) {
      const r = lambdaMinCertified(m, { entryError: Infinity });
      const r0 = lambdaMinCertified(m, { entryError: 0 });
      expect(r.lower).toBe(-Infinity);
      expect(r.upper).toBe(Infinity);
      expect(r.estimate).toBe(r0.estimate);
      expect(r.method).toMatch(/entry error unbounded/);
    }
    // the estimate is λ_min(K) (ml-matrix's eigensolver as the independent check)
    expect(lambdaMinCertified(k, { entryError: Infinity }).estimate).toBeCloseTo(Math.min(...mlEigenvalues(k)), 12);
  });
  it('certifyLambdaMinAtLeast certifies nothing', () => {
    expect(certifyLambdaMinAtLeast(k, -1e300, { entryError: Infinity })).toStrictEqual({ certified: false, shift: -1e300, lowerBound: -Infinity });
    expect(() => certifyLambdaMinAtLeast(k, NaN, { entryError: Infinity })).toThrow(RangeError);
  });
  it('NaN or a negative entryError still throws RangeError', () => {
    for (const entryError of [NaN, -1, -Infinity]) {
      expect(() => lambdaMinCertified(k, { entryError })).toThrow(RangeError);
      expect(() => certifyLambdaMinAtLeast(k, 0, { entryError })).toThrow(RangeError);
    }
  });
});
