import { describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { exactDecimal } from '../../test/support/exactDecimal.ts';
import { gram } from './blas.ts';
import {
  gramEntryErrorBound,
  gramEntryErrorBoundFromGram,
  gramEntryErrorBounds,
  hasUnitNormRows,
  maxAbsOffDiagonal,
  maxRowNormSquared,
  minPairRayleigh,
  minRowNormSquared,
  rowNormsSquared,
} from './gramStats.ts';
import type { Matrix } from './matrix.ts';
import { createRng } from '../random/rng.ts';
import { gaussianMatrix } from '../random/distributions.ts';

/** max_ij |fl(G)_ij − (X Xᵀ)_ij| with the exact products and sums (decimal.js, 800 digits). */
function maxGramError(x: Matrix, g: Matrix): Decimal {
  Decimal.set({ precision: 800 });
  const { rows: n, cols: d } = x;
  const ex = Array.from(x.data, exactDecimal);
  let worst = new Decimal(0);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = new Decimal(0);
      for (let k = 0; k < d; k++) s = s.plus(ex[i * d + k].times(ex[j * d + k]));
      const e = exactDecimal(g.data[i * n + j])
        .minus(s)
        .abs();
      if (e.gt(worst)) worst = e;
    }
  return worst;
}

describe('Gram entry error bounds', () => {
  // Shapes on both sides of the WebAssembly kernel's threshold (d ≥ 16), scales from subnormal products
  // (1e-162² underflows: the d·ETA term) to 1e150, and rows of very different norms.
  const cases: [string, number, number, (i: number, k: number) => number][] = [
    ['gaussian 6 × 9 (JS kernel)', 6, 9, () => 1],
    ['gaussian 7 × 40 (WebAssembly kernel)', 7, 40, () => 1],
    ['rows of norms 1e-3 … 1e3', 8, 33, (i) => 10 ** (i - 3)],
    ['products underflow (1e-162)', 5, 20, () => 1e-162],
    ['large scale (1e150)', 5, 24, () => 1e150],
    ['mixed signs and scales within rows', 6, 50, (_i, k) => (k % 3 === 0 ? 1e8 : 1e-8)],
  ];
  for (const [name, n, d, scale] of cases) {
    it(`contain the exact error of fl(X Xᵀ): ${name}`, () => {
      const x = gaussianMatrix(createRng(`gram-err-${name}`), n, d);
      for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) x.data[i * d + k] *= scale(i, k);
      const g = gram(x);
      const err = maxGramError(x, g);
      const fromX = gramEntryErrorBound(x);
      const fromG = gramEntryErrorBoundFromGram(g, d);
      expect(err.lte(exactDecimal(fromX))).toBe(true);
      expect(err.lte(exactDecimal(fromG))).toBe(true);
      // Both bounds come from a computed max ‖x_i‖² (in two summation orders): equal to ≈ d·u.
      expect(Math.abs(fromG - fromX)).toBeLessThanOrEqual(4 * d * 2 ** -53 * fromX + 1e-300);
    });
  }

  it('the diagonal of the computed Gram matches the row norms to d·u', () => {
    const x = gaussianMatrix(createRng('gram-diag'), 20, 300);
    const g = gram(x);
    const r = rowNormsSquared(x);
    for (let i = 0; i < 20; i++) expect(Math.abs(g.data[i * 20 + i] - r[i])).toBeLessThanOrEqual(300 * 2 ** -53 * r[i]);
  });
});

describe('maxRowNormSquared', () => {
  it('encloses the exact max_i ‖x_i‖² (decimal.js, 800 digits), about 2γ_d wide', () => {
    Decimal.set({ precision: 800 });
    for (const [n, d] of [
      [1, 1],
      [5, 40],
      [12, 300],
    ]) {
      const x = gaussianMatrix(createRng(`max-row-${n}-${d}`), n, d);
      let best = new Decimal(0);
      for (let i = 0; i < n; i++) {
        let s = new Decimal(0);
        for (let k = 0; k < d; k++) s = s.plus(exactDecimal(x.data[i * d + k]).pow(2));
        if (s.gt(best)) best = s;
      }
      const m = maxRowNormSquared(x);
      expect(exactDecimal(m.lo).lte(best) && best.lte(exactDecimal(m.hi)), `[${m.lo}, ${m.hi}] ∌ ${best.toSignificantDigits(20)}`).toBe(true);
      expect(m.hi - m.lo).toBeLessThanOrEqual(4 * (d + 2) * 2 ** -52 * m.hi); // ≈ 2γ_d wide
    }
  });
});

describe('minRowNormSquared and gramEntryErrorBounds', () => {
  it('minRowNormSquared encloses the exact min_i ‖x_i‖² (800 digits)', () => {
    Decimal.set({ precision: 800 });
    const x = gaussianMatrix(createRng('min-row'), 9, 70);
    let best: Decimal | undefined;
    for (let i = 0; i < 9; i++) {
      let s = new Decimal(0);
      for (let k = 0; k < 70; k++) s = s.plus(exactDecimal(x.data[i * 70 + k]).pow(2));
      if (!best || s.lt(best)) best = s;
    }
    const m = minRowNormSquared(x);
    expect(exactDecimal(m.lo).lte(best!) && best!.lte(exactDecimal(m.hi))).toBe(true);
  });

  it('bound |fl(X̂X̂ᵀ) − XXᵀ| entrywise for X = F − 1μᵀ computed entrywise (one rounding), exact XXᵀ at 800 digits', () => {
    Decimal.set({ precision: 800 });
    const rng = createRng('gram-rounded-entries');
    const [n, d] = [6, 40];
    const f = gaussianMatrix(rng, n, d),
      mu = Float64Array.from({ length: d }, () => rng.next() * 3);
    const xh = { rows: n, cols: d, data: Float64Array.from(f.data, (v, t) => v - mu[t % d]) };
    const ex = Array.from(f.data, (v, t) => exactDecimal(v).minus(exactDecimal(mu[t % d])));
    const g = gram(xh),
      e = gramEntryErrorBounds(xh, 1);
    let worst = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = new Decimal(0);
        for (let k = 0; k < d; k++) s = s.plus(ex[i * d + k].times(ex[j * d + k]));
        const err = exactDecimal(g.data[i * n + j])
          .minus(s)
          .abs();
        expect(err.lte(exactDecimal(e.data[i * n + j])), `(${i}, ${j})`).toBe(true);
        worst = Math.max(worst, err.toNumber() / e.data[i * n + j]);
      }
    expect(worst).toBeGreaterThan(1e-4); // not vacuous
    const z = gramEntryErrorBounds({ rows: 2, cols: 2, data: Float64Array.of(0, 0, 1, 2) }, 1).data;
    expect([z[0], z[1], z[2]]).toEqual([0, 0, 0]);
    expect(z[3]).toBeGreaterThan(0);
  });
});

describe('minPairRayleigh', () => {
  it('is the brute-force minimum, and its enclosure holds the 800-digit minimum of every matrix within ε', () => {
    Decimal.set({ precision: 800 });
    const rng = createRng('pair-rayleigh');
    for (const n of [2, 5, 24]) {
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = (rng.next() - 0.5) * 3;
      const eps = 1e-9;
      const r = minPairRayleigh({ rows: n, cols: n, data: a }, eps);
      let best = new Decimal(Infinity),
        value = Infinity;
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++) {
          value = Math.min(value, (a[i * n + i] + a[j * n + j]) / 2 - a[i * n + j]);
          const e = exactDecimal(a[i * n + i])
            .plus(exactDecimal(a[j * n + j]))
            .div(2)
            .minus(exactDecimal(a[i * n + j]));
          if (e.lt(best)) best = e;
        }
      expect(r.value).toBe(value);
      // the extreme perturbations: every entry moved by ±ε moves the minimum by exactly ±2ε
      for (const ref of [best, best.plus(2 * eps), best.minus(2 * eps)])
        expect(exactDecimal(r.enclosure.lo).lte(ref) && ref.lte(exactDecimal(r.enclosure.hi)), `n = ${n}`).toBe(true);
      expect(r.enclosure.hi - r.enclosure.lo).toBeLessThan(4 * eps + 1e-14);
    }
  });
});

describe('hasUnitNormRows', () => {
  it('accepts rows divided by their computed norm and rejects rows off by 1e-10', () => {
    const x = gaussianMatrix(createRng('unit-rows'), 10, 200);
    for (let i = 0; i < 10; i++) {
      const s = Math.sqrt(rowNormsSquared({ rows: 1, cols: 200, data: x.data.subarray(i * 200, i * 200 + 200) })[0]);
      for (let k = 0; k < 200; k++) x.data[i * 200 + k] /= s;
    }
    expect(hasUnitNormRows(x)).toBe(true);
    x.data[0] *= 1 + 1e-10 / (x.data[0] * x.data[0]);
    expect(hasUnitNormRows(x)).toBe(false);
  });
});

describe('maxAbsOffDiagonal', () => {
  it('agrees with a brute-force scan (first position of the maximum, strict upper triangle)', () => {
    const rng = createRng('maxabs');
    for (const n of [2, 3, 7, 20]) {
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j <= i; j++) {
          const v = Math.round((rng.next() - 0.5) * 20); // small integers: ties occur
          a[i * n + j] = v;
          a[j * n + i] = v;
        }
      let best = -1,
        bi = -1,
        bj = -1;
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++)
          if (Math.abs(a[i * n + j]) > best) {
            best = Math.abs(a[i * n + j]);
            bi = i;
            bj = j;
          }
      expect(maxAbsOffDiagonal({ rows: n, cols: n, data: a })).toEqual({ value: best, i: bi, j: bj });
    }
    expect(maxAbsOffDiagonal({ rows: 1, cols: 1, data: Float64Array.of(5) })).toEqual({ value: 0, i: -1, j: -1 });
  });
});

describe('minPairRayleigh entryError', () => {
  const a = { rows: 2, cols: 2, data: Float64Array.from([2, 0.5, 0.5, 1]) };
  it('+∞ gives the enclosure [−∞, ∞]; NaN and negative values throw', () => {
    const r = minPairRayleigh(a, Infinity);
    expect(r.value).toBe(1); // (2 + 1)/2 − 0.5
    expect([r.enclosure.lo, r.enclosure.hi]).toEqual([-Infinity, Infinity]);
    for (const e of [NaN, -1e-300]) expect(() => minPairRayleigh(a, e)).toThrow(RangeError);
  });
});
