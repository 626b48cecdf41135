import type { Matrix } from '../../linalg/matrix.ts';
import { gaussian, type Rng, uniformInt } from '../rng.ts';

/**
 * Points on a random r-dimensional subspace, of rank r EXACTLY in floating point: X = Z·Bᵀ with B a random
 * d × r integer matrix (entries in [−2^10, 2^10]) and Z an N × r Gaussian matrix rounded to multiples of
 * 2^−20 (|z| ≤ 32): every product is a multiple of 2^−20 below 2^35 in magnitude, so the sums of r ≤ 2^17
 * terms are exact, and the rows span exactly the column space of B (rank r for generic draws, since N ≥ r).
 * The rows are then scaled by one power of two (exact) so that their mean norm is within a factor √2 of
 * `meanNorm`. Writes rows 0..N−1 of x.
 */
export function lowRankSubspace(rng: Rng, x: Matrix, r: number, meanNorm: number): Matrix {
  const n = x.rows,
    d = x.cols,
    a = x.data;
  const b = new Float64Array(d * r);
  for (let k = 0; k < b.length; k++) b[k] = uniformInt(rng, 2 ** 11 + 1) - 2 ** 10;
  const z = new Float64Array(r);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < r; c++) z[c] = Math.max(-32, Math.min(32, Math.round(gaussian(rng) * 2 ** 20) / 2 ** 20));
    let nrm = 0;
    for (let k = 0; k < d; k++) {
      let s = 0;
      for (let c = 0; c < r; c++) s += z[c] * b[k * r + c];
      a[i * d + k] = s;
      nrm += s * s;
    }
    total += Math.sqrt(nrm);
  }
  const mean = total / Math.max(1, n);
  if (mean > 0 && meanNorm > 0 && Number.isFinite(meanNorm)) {
    const f = 2 ** Math.round(Math.log2(meanNorm / mean));
    for (let k = 0; k < n * d; k++) a[k] *= f;
  }
  return x;
}
