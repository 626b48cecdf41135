/**
 * symmetricRange / assertSymmetricFinite (src/linalg/lambdaMin.ts): one pass over the lower triangle that
 * checks finiteness and exact symmetry and returns max|k_ij| and the smallest non-zero |k_ij|. Checked against
 * a brute-force scan of all n² entries (the range), and for the errors against the order the messages promise:
 * the first non-finite entry anywhere has precedence over the first asymmetric pair in row-major order.
 */
import { describe, expect, it } from 'vitest';
import { assertSymmetricFinite, symmetricRange } from './lambdaMin.ts';
import type { Matrix } from './matrix.ts';

/** Deterministic symmetric n × n matrix with zeros, signed zeros, subnormals and values of every scale. */
function symmetric(n: number, seed: number): Matrix {
  const data = new Float64Array(n * n);
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      const u = next();
      const v =
        u < 0.1
          ? 0
          : u < 0.15
            ? -0
            : u < 0.2
              ? (next() < 0.5 ? -1 : 1) * 5e-324 * (1 + Math.floor(next() * 1000))
              : (next() - 0.5) * 2 ** Math.floor(next() * 400 - 200);
      data[i * n + j] = v;
      data[j * n + i] = v;
    }
  return { rows: n, cols: n, data };
}

/** max|a| and min non-zero |a| over every entry, the plain way. */
function bruteRange(a: Float64Array): { max: number; minNonZero: number } {
  let max = 0;
  let minNonZero = Infinity;
  for (const x of a) {
    const v = Math.abs(x);
    if (v > max) max = v;
    if (v !== 0 && v < minNonZero) minNonZero = v;
  }
  return { max, minNonZero };
}

describe('symmetricRange and assertSymmetricFinite', () => {
  it.each([1, 2, 3, 17, 64])('n = %i: ok, and the range of all n² entries', (n) => {
    for (const seed of [1, 2, 3]) {
      const k = symmetric(n, seed * 7919 + n);
      const r = symmetricRange(k);
      expect(r.ok).toBe(true);
      const ref = bruteRange(k.data);
      expect(r.max).toBe(ref.max);
      expect(r.minNonZero).toBe(ref.minNonZero);
      expect(assertSymmetricFinite(k, 'K')).toMatchObject({ max: ref.max, minNonZero: ref.minNonZero });
    }
  });

  it('the zero matrix and the empty matrix: max 0, no non-zero entry', () => {
    expect(assertSymmetricFinite({ rows: 4, cols: 4, data: new Float64Array(16) }, 'K')).toMatchObject({ max: 0, minNonZero: Infinity });
    expect(assertSymmetricFinite({ rows: 0, cols: 0, data: new Float64Array(0) }, 'K')).toMatchObject({ max: 0, minNonZero: Infinity });
  });

  it('−0 against +0 is symmetric (they are equal doubles)', () => {
    const k = symmetric(5, 9);
    k.data[3 * 5 + 1] = -0;
    k.data[1 * 5 + 3] = 0;
    expect(symmetricRange(k).ok).toBe(true);
  });

  it('reports the first asymmetric pair in row-major order of the lower triangle', () => {
    const n = 9;
    const k = symmetric(n, 4);
    k.data[2 * n + 7] = 1; // (7, 2)
    k.data[7 * n + 2] = 2;
    k.data[3 * n + 4] = 1; // (4, 3): earlier in row-major order
    k.data[4 * n + 3] = 1 + 2 ** -52;
    expect(symmetricRange(k).ok).toBe(false);
    expect(() => assertSymmetricFinite(k, 'K')).toThrow('K: matrix is not exactly symmetric at (4, 3)');
  });

  it.each([
    ['NaN in the upper triangle', 1, 6, NaN],
    ['+∞ on the diagonal', 8, 8, Infinity],
    ['−∞ in the last row', 8, 0, -Infinity],
  ])('a non-finite entry (%s) has precedence over an earlier asymmetric pair', (_what, i, j, v) => {
    const n = 9;
    const k = symmetric(n, 5);
    k.data[1 * n + 2] = 1; // asymmetric pair (2, 1), before the non-finite entry in row-major order
    k.data[2 * n + 1] = -1;
    k.data[i * n + j] = v;
    expect(symmetricRange(k).ok).toBe(false);
    expect(() => assertSymmetricFinite(k, 'K')).toThrow('K: matrix has a non-finite entry');
  });

  it('a non-square matrix is rejected before the pass', () => {
    expect(() => assertSymmetricFinite({ rows: 2, cols: 3, data: new Float64Array(6) }, 'K')).toThrow(RangeError);
  });
});
