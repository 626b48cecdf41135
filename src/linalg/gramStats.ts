import { gammaUp, nonNegativeSumUpper, up } from './blas.ts';
import { type Interval, interval } from './interval.ts';
import { type Matrix, assertSquare, ETA, UNIT_ROUNDOFF } from './matrix.ts';
import { checkEntryError } from './lambdaMin.ts';

/** max_{i≠j} |a_ij| of a square matrix, with the position of the maximum (−1 when N < 2). */
export function maxAbsOffDiagonal(a: Matrix): { value: number; i: number; j: number } {
  assertSquare(a);
  const n = a.rows;
  let value = 0,
    bi = -1,
    bj = -1;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const v = Math.abs(a.data[i * n + j]);
      if (bi < 0 || v > value) {
        value = v;
        bi = i;
        bj = j;
      }
    }
  return { value, i: bi, j: bj };
}

/**
 * min_{i<j} [(a_ii + a_jj)/2 − a_ij] of a symmetric matrix (the Rayleigh quotient at (e_i − e_j)/√2), with an
 * enclosure of the same minimum for every matrix whose entries are within `entryError` of a's (2·entryError) —
 * each computed term fl(fl(fl(a_ii + a_jj)/2) − a_ij) lies within γ_3((|a_ii| + |a_jj|)/2 + |a_ij|) of its exact
 * value (three roundings, Higham Lemma 3.1; the halving is exact short of underflow, ETA). N < 2: the value is
 * +∞ and the enclosure [−∞, +∞].
 */
export function minPairRayleigh(a: Matrix, entryError = 0): { value: number; i: number; j: number; enclosure: Interval } {
  assertSquare(a);
  checkEntryError(entryError, 'minPairRayleigh'); // +∞: the enclosure is [−∞, ∞]; NaN or negative: RangeError
  const n = a.rows,
    A = a.data;
  let value = Infinity,
    bi = -1,
    bj = -1,
    scale = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const v = (A[i * n + i] + A[j * n + j]) / 2 - A[i * n + j];
      if (v < value) {
        value = v;
        bi = i;
        bj = j;
      }
      scale = Math.max(scale, (Math.abs(A[i * n + i]) + Math.abs(A[j * n + j])) / 2 + Math.abs(A[i * n + j]));
    }
  if (bi < 0 || !Number.isFinite(value)) return { value, i: bi, j: bj, enclosure: interval(-Infinity, Infinity) };
  const err = up(up(up(gammaUp(3) * up(scale * (1 + 4 * UNIT_ROUNDOFF))) + 2 * ETA) + up(2 * entryError));
  return { value, i: bi, j: bj, enclosure: interval(value).add(interval(-err, err)) };
}

/**
 * Whether every row has unit norm to rounding: |fl(‖x_i‖²) − 1| ≤ 16d·u. Rows divided by their computed norm
 * (src/random/distributions.ts, 'unit-sphere') pass (‖x̂_i‖² = 1 + O(d·u), Higham §3.1); data that was not
 * normalised does not. Claims stated for unit-norm data use it as an assumption and carry the remaining
 * deviation by unitNormDeviation.
 */
export function hasUnitNormRows(x: Matrix): boolean {
  const norms = rowNormsSquared(x);
  const tol = 16 * x.cols * UNIT_ROUNDOFF;
  for (let k = 0; k < norms.length; k++) if (Math.abs(norms[k] - 1) > tol) return false;
  return true;
}

/** Squared row norms ‖x_i‖² (recursive summation; error ≤ γ_d ‖x_i‖², Higham §3.1). */
export function rowNormsSquared(x: Matrix): Float64Array {
  const { rows: n, cols: d, data } = x;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += data[i * d + k] * data[i * d + k];
    out[i] = s;
  }
  return out;
}

/**
 * Enclosures of the exact ‖x_i‖² of the stored rows, from the computed rowNormsSquared s_i: s_i = ‖x_i‖²(1 + θ),
 * |θ| ≤ γ_d (d products and d − 1 additions of non-negative terms, Higham §3.1), so ‖x_i‖² ∈ s_i/(1 ± γ_d), plus
 * d·ETA/2 for squares that underflow (Thm 2.2). O(N·d) in doubles: cheaper than sumOfSquares, a few ulps wider.
 */
export function rowNormSquaredEnclosures(x: Matrix): Interval[] {
  const norms = rowNormsSquared(x);
  const g = gammaUp(x.cols),
    uf = x.cols * ETA;
  const rel = interval(1).add(interval(-g, g)),
    under = interval(-uf, uf);
  // the quotient's ends are one ulp outside the rounded quotient, at least half an ulp (≥ 2^-54·|end|) beyond the
  // exact one: that spare covers d·ETA/2 once |end| ≥ uf·2^54, and adding it would cost another ulp
  return Array.from(norms, (s) => {
    const e = interval(s).div(rel);
    return e.lo >= uf * 2 ** 54 ? e : e.add(under).max(0);
  });
}

/** max_i ‖x_i‖² over the rows of x, enclosed (rowNormSquaredEnclosures; the maximum is exact). */
export function maxRowNormSquared(x: Matrix): Interval {
  let m = interval(0);
  for (const e of rowNormSquaredEnclosures(x)) m = m.max(e);
  return m;
}

/** min_i ‖x_i‖² over the rows of x (at least one), enclosed as maxRowNormSquared. */
export function minRowNormSquared(x: Matrix): Interval {
  if (x.rows < 1) throw new RangeError('minRowNormSquared: no rows');
  const e = rowNormSquaredEnclosures(x);
  let m = e[0];
  for (let i = 1; i < e.length; i++) m = m.min(e[i]);
  return m;
}

/**
 * Entrywise bounds E_ij ≥ |fl(X̂X̂ᵀ)_ij − (XXᵀ)_ij| for a stored X̂ whose entries are the exact x_ik after at most
 * `entryRoundings` = k relative roundings each (x̂ = x(1 + θ_k), |θ_k| ≤ γ_k; e.g. k = 1 for X = F − 1μᵀ computed
 * entrywise, or for products of two stored factors): the Gram sum adds γ_d Σ_k|x̂_ik x̂_jk| (Higham eq. 3.5) and the
 * entries' roundings γ_{2k}(1 + γ_k)²-fold of it, together ≤ γ_{d+2k+2}‖x̂_i‖‖x̂_j‖ (Cauchy–Schwarz), with the exact
 * ‖x̂_i‖² above the computed one by nonNegativeSumUpper; d·ETA more for products that underflow. Rounded upwards.
 */
export function gramEntryErrorBounds(xhat: Matrix, entryRoundings = 0): Matrix {
  const { rows: n, cols: d } = xhat;
  const norms = rowNormsSquared(xhat);
  const upper = Float64Array.from(norms, (v) => nonNegativeSumUpper(v, d, 1));
  const g = gammaUp(d + 2 * entryRoundings + 2),
    uf = d * ETA;
  // a row of zeros stays zero whatever the roundings: its entries of fl(X̂X̂ᵀ) and XXᵀ are exactly 0
  const zero = Array.from({ length: n }, (_, i) => xhat.data.subarray(i * d, (i + 1) * d).every((v) => v === 0));
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = zero[i] || zero[j] ? 0 : up(up(g * up(Math.sqrt(up(upper[i] * upper[j])))) + uf);
  return { rows: n, cols: n, data: out };
}

/**
 * A bound on every entry error of fl(X Xᵀ): |fl(G)_ij − G_ij| ≤ γ_d ‖x_i‖‖x_j‖ + d·ETA ≤ γ_d max_i ‖x_i‖² + d·ETA
 * (Higham eq. 3.5, any summation order). Rounded upwards.
 */
export function gramEntryErrorBound(x: Matrix): number {
  const norms = rowNormsSquared(x);
  let m = 0;
  for (let i = 0; i < norms.length; i++) m = Math.max(m, norms[i]);
  return entryBoundFromMaxNormSquared(m, x.cols);
}

/** γ_d·(upper bound of the exact max ‖x_i‖² from its computed value m) + d·ETA, rounded upwards. */
function entryBoundFromMaxNormSquared(m: number, d: number): number {
  return up(up(gammaUp(d) * nonNegativeSumUpper(m, d, 1)) + d * ETA);
}

/**
 * The same bound as gramEntryErrorBound, from the computed Gram matrix g = fl(X Xᵀ) of an N × d matrix X
 * instead of X: each diagonal entry g_ii is a rounded sum (any order) of the d non-negative rounded
 * squares x_ik², so nonNegativeSumUpper(g_ii, d, 1) ≥ ‖x_i‖² exactly as for the row norms — an O(N)
 * read of the diagonal instead of an O(N·d) pass over X (measured: 27 µs of 480 per concentration
 * instance at N = 97, d = 394).
 */
export function gramEntryErrorBoundFromGram(g: Matrix, d: number): number {
  assertSquare(g);
  const n = g.rows;
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, g.data[i * n + i]);
  return entryBoundFromMaxNormSquared(m, d);
}

/**
 * δ ≥ max_i |‖x_i‖² − 1| for the exact norms of the stored rows (the computed ‖x_i‖² has error
 * ≤ γ_d‖x_i‖²). Claims stated for unit-norm data are evaluated on the exact normalised rows
 * x̂_i = x_i/‖x_i‖; scale-invariant quantities then change by factors in [1/(1+δ), 1/(1−δ)], e.g.
 * |x̂_iᵀx̂_j − x_iᵀx_j| ≤ |x_iᵀx_j|·δ/(1−δ), which matters near parallel pairs where it is amplified
 * by 1/sin θ. Rounded upwards.
 */
export function unitNormDeviation(x: Matrix): number {
  const norms = rowNormsSquared(x);
  const g = gammaUp(x.cols);
  // |computed − exact| ≤ γ_d‖x_i‖² + d·ETA/2 (Higham eq. 3.5; each square may underflow, Thm 2.2); the factor
  // 1.0000001 also covers the rounding of the product and of the sum (≤ 2u relative)
  const uf = x.cols * ETA;
  let delta = 0;
  for (let i = 0; i < norms.length; i++) delta = Math.max(delta, up(Math.abs(norms[i] - 1) + up(g * norms[i] * 1.0000001 + uf)));
  return delta;
}
