import { down, up } from './blas.ts';
import { ETA, gamma, type Matrix, UNIT_ROUNDOFF } from './matrix.ts';
import { exponentOf, ldexp, pow2 } from './pow2.ts';

/**
 * Rigorous enclosures of Euclidean distances between rows of X (N × d, one sample per row).
 *
 * For a pair (a, b) and a sign s ∈ {+1, −1}, v = a − s·b is formed componentwise: fl(a_k − s·b_k) =
 * (a_k − s·b_k)(1 + δ_k), |δ_k| ≤ u (Higham Thm 2.2; a difference whose result is subnormal is exact, and a
 * computed 0 means an exact 0). The computed v̂ is scaled by the power of two 2^−e with 2^e ≤ max_k |v̂_k| < 2^(e+1)
 * (exact, except components that become subnormal: each loses ≤ ETA/2 while the largest is ≥ 1), its squares
 * summed (γ_d relative, Higham eq. 3.5, plus ≤ d·ETA/2 of underflowing squares, against a sum ≥ 1), then
 * ‖v‖ = 2^e·√Σ. Altogether, with D̂ the result,
 *     |D̂ − ‖v‖| ≤ (2u + γ_d + 4·d·ETA)·‖v‖·(1 + 1e-9) + ETA
 * (u from the differences, γ_d/2 + u from the sum and the square root, the rest from underflow; the final
 * multiplication by 2^e is exact unless the distance is subnormal, ≤ ETA/2). A component or a distance that
 * overflows gives the one-sided enclosure [a float ≤ the distance, +∞] (certified = false: no finite upper end).
 */
export interface DistanceEnclosure {
  lower: number;
  upper: number;
  /** The computed value. */
  value: number;
  /** False when the upper end is +∞ (a difference or the distance overflows the double range). */
  certified: boolean;
}

function pairDistance(x: Float64Array, d: number, i: number, j: number, sign: 1 | -1, v: Float64Array): DistanceEnclosure {
  let m = 0;
  for (let k = 0; k < d; k++) {
    const t = x[i * d + k] - sign * x[j * d + k];
    v[k] = t;
    const a = Math.abs(t);
    // |a_k − s·b_k| rounds to ±∞ only from beyond the largest double, so the distance is at least that large
    if (!(a <= Number.MAX_VALUE)) return { lower: Number.MAX_VALUE, upper: Infinity, value: Infinity, certified: false };
    if (a > m) m = a;
  }
  if (m === 0) return { lower: 0, upper: 0, value: 0, certified: true };
  const e = exponentOf(m);
  let s = 0;
  if (e >= -1000) {
    // 2^-e is a double (2^-1023 is subnormal but exact): v_k·2^-e rounds only if it becomes subnormal, as ldexp
    const p = pow2(-e);
    for (let k = 0; k < d; k++) {
      const w = v[k] * p;
      s += w * w;
    }
  } else {
    for (let k = 0; k < d; k++) {
      const w = ldexp(v[k], -e);
      s += w * w;
    }
  }
  const value = ldexp(Math.sqrt(s), e);
  // ‖v‖ ≥ max_k |v_k| ≥ 2^e(1 − u)
  if (!(value <= Number.MAX_VALUE)) return { lower: down(ldexp(1, e) * (1 - 2 * UNIT_ROUNDOFF)), upper: Infinity, value, certified: false };
  const rel = (2 * UNIT_ROUNDOFF + gamma(d) + 4 * d * ETA) * (1 + 1e-9);
  const err = up(value * rel) + ETA;
  return { lower: Math.max(0, down(value - err)), upper: up(value + err), value, certified: true };
}

/** Enclosure of ‖x_i − s·x_j‖ (s = +1: distance; s = −1: distance to the antipode). */
export function rowDistance(x: Matrix, i: number, j: number, sign: 1 | -1 = 1): DistanceEnclosure {
  return pairDistance(x.data, x.cols, i, j, sign, new Float64Array(x.cols));
}

/**
 * Enclosure of min_{i≠j} ‖x_i − x_j‖ (antipodal = false) or of the separation
 * min_{i≠j} min(‖x_i − x_j‖, ‖x_i + x_j‖) (antipodal = true: antipodal pairs count as collinear, the δ-separation
 * of Karhadkar, Murray, Montúfar, arXiv 2405.14630). The exact minimum lies in [min of lowers, min of uppers].
 * N < 2: +∞ (no pair). Cost N(N−1)/2 (×2) pairs of O(d).
 */
export function minPairDistance(x: Matrix, antipodal: boolean): DistanceEnclosure & { i: number; j: number } {
  const n = x.rows,
    d = x.cols;
  const v = new Float64Array(d);
  let lower = Infinity,
    upper = Infinity,
    value = Infinity,
    bi = -1,
    bj = -1,
    certified = true;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      for (const s of antipodal ? ([1, -1] as const) : ([1] as const)) {
        const r = pairDistance(x.data, d, i, j, s, v);
        if (!r.certified) certified = false;
        if (r.lower < lower) lower = r.lower;
        if (r.upper < upper) upper = r.upper;
        if (r.value < value) {
          value = r.value;
          bi = i;
          bj = j;
        }
      }
    }
  }
  certified = upper <= Number.MAX_VALUE;
  return { lower, upper, value, certified, i: bi, j: bj };
}
