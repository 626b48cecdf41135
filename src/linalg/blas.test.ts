import { describe, expect, it } from 'vitest';
import { toMl } from '../../test/support/mlMatrix.ts';
import { Matrix as MlMatrix } from 'ml-matrix';
import { Decimal } from 'decimal.js';
import { exactDecimal } from '../../test/support/exactDecimal.ts';
import { gram, gramRoundingBound, matmul, matmulTransB, matvec, matvecTrans, hadamardInPlace, dot, axpy, up, down, gammaUp } from './blas.ts';
import { transpose, gamma, UNIT_ROUNDOFF } from './matrix.ts';
import { createRng } from '../random/rng.ts';
import { gaussianMatrix } from '../random/distributions.ts';

describe('gram', () => {
  it('matches ml-matrix X·Xᵀ for odd shapes and is exactly symmetric', () => {
    // biome-ignore format: a table of cases, kept on one line
    const shapes = [[1, 1], [3, 2], [5, 7], [9, 300], [37, 513]] as const;
    for (const [n, d] of shapes) {
      const x = gaussianMatrix(createRng(`gram-${n}-${d}`), n, d);
      const g = gram(x);
      const ref = toMl(x).mmul(toMl(x).transpose());
      const bound = gramRoundingBound(x);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          expect(g.data[i * n + j]).toBe(g.data[j * n + i]);
          expect(Math.abs(g.data[i * n + j] - ref.get(i, j))).toBeLessThanOrEqual(2 * bound);
        }
    }
  });

  it('rounding bound dominates the exact error (decimal.js) and is ≥ γ_d‖X‖_F²', () => {
    const x = gaussianMatrix(createRng('gram-exact'), 6, 40, 1e3);
    const g = gram(x);
    const bound = gramRoundingBound(x);
    let fro2 = 0;
    for (const v of x.data) fro2 += v * v;
    expect(bound).toBeGreaterThanOrEqual(gamma(40) * fro2);
    Decimal.set({ precision: 200 });
    let maxErr = 0;
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 6; j++) {
        let s = new Decimal(0);
        for (let k = 0; k < 40; k++) s = s.plus(exactDecimal(x.data[i * 40 + k]).times(exactDecimal(x.data[j * 40 + k])));
        maxErr = Math.max(maxErr, Math.abs(s.minus(exactDecimal(g.data[i * 6 + j])).toNumber()));
      }
    // ‖E‖₂ ≤ n·max|E_ij|, and the bound must dominate even that crude estimate of the actual error
    expect(6 * maxErr).toBeLessThanOrEqual(bound);
  });
});

describe('products', () => {
  const a = gaussianMatrix(createRng('mm-a'), 7, 5);
  const b = gaussianMatrix(createRng('mm-b'), 5, 9);
  const c = gaussianMatrix(createRng('mm-c'), 9, 5);
  it('matmul / matmulTransB / matvec / matvecTrans agree with ml-matrix', () => {
    const ref = toMl(a).mmul(toMl(b));
    const got = matmul(a, b);
    for (let i = 0; i < 7; i++) for (let j = 0; j < 9; j++) expect(got.data[i * 9 + j]).toBeCloseTo(ref.get(i, j), 12);
    const ref2 = toMl(a).mmul(toMl(c).transpose());
    const got2 = matmulTransB(a, c);
    for (let i = 0; i < 7; i++) for (let j = 0; j < 9; j++) expect(got2.data[i * 9 + j]).toBeCloseTo(ref2.get(i, j), 12);
    const x = Float64Array.from([1, -2, 3, 0.5, 4]);
    const y = matvec(a, x);
    const ref3 = toMl(a).mmul(MlMatrix.columnVector(Array.from(x)));
    for (let i = 0; i < 7; i++) expect(y[i]).toBeCloseTo(ref3.get(i, 0), 12);
    const z = Float64Array.from([1, 2, 3, 4, 5, 6, 7]);
    const w = matvecTrans(a, z);
    const ref4 = matvec(transpose(a), z);
    for (let j = 0; j < 5; j++) expect(w[j]).toBeCloseTo(ref4[j], 12);
    expect(() => matmul(a, a)).toThrow(RangeError);
  });
  it('hadamardInPlace, dot, axpy', () => {
    const p = gaussianMatrix(createRng('h1'), 3, 4);
    const q = gaussianMatrix(createRng('h2'), 3, 4);
    const expected = p.data.map((v, i) => v * q.data[i]);
    hadamardInPlace(p, q);
    expect(Array.from(p.data)).toEqual(Array.from(expected));
    expect(dot(Float64Array.from([1, 2, 3, 4, 5]), Float64Array.from([5, 4, 3, 2, 1]))).toBe(35);
    const yv = Float64Array.from([1, 1, 1]);
    axpy(2, Float64Array.from([1, 2, 3]), yv);
    expect(Array.from(yv)).toEqual([3, 5, 7]);
  });
});

describe('rounding-safe scalars', () => {
  it('up/down bracket the exact result of one operation (decimal.js)', () => {
    Decimal.set({ precision: 400 });
    const rng = createRng('updown');
    for (let t = 0; t < 500; t++) {
      const x = (rng.next() - 0.5) * 10 ** Math.floor(rng.next() * 40 - 20);
      const y = (rng.next() - 0.5) * 10 ** Math.floor(rng.next() * 40 - 20);
      for (const [r, exact] of [
        [x + y, exactDecimal(x).plus(exactDecimal(y))],
        [x - y, exactDecimal(x).minus(exactDecimal(y))],
        [x * y, exactDecimal(x).times(exactDecimal(y))],
        [x / y, exactDecimal(x).div(exactDecimal(y))],
      ] as const) {
        expect(exactDecimal(up(r)).gte(exact)).toBe(true);
        expect(exactDecimal(down(r)).lte(exact)).toBe(true);
        expect(
          exactDecimal(r)
            .minus(exact)
            .abs()
            .lte(exact.abs().times(2 ** -52)),
        ).toBe(true); // sanity of the oracle
      }
    }
    expect(up(0)).toBeGreaterThan(0);
    expect(gammaUp(10)).toBeGreaterThanOrEqual((10 * UNIT_ROUNDOFF) / (1 - 10 * UNIT_ROUNDOFF));
  });
});
