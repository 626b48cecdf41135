/**
 * Cancellation-free angles between data points (docs/conventions.md#cancellation-free-angles).
 *
 * θ(u, v) = 2·atan2(‖û − v̂‖, ‖û + v̂‖) on normalised vectors û = u/‖u‖, v̂ = v/‖v‖ (Kahan, "How futile
 * are mindless assessments of roundoff in floating-point computation?", 2006, §12; since û − v̂ ⊥ û + v̂
 * for unit vectors, tan(θ/2) = ‖û − v̂‖/‖û + v̂‖). Unlike acos(clip(cos θ)), which returns 0 for all
 * θ ≲ 1.5e-8 (cos θ rounds to 1), it is accurate to a few ulps *relative to θ* for small θ and to a
 * few ulps relative to π − θ for θ near π.
 *
 * Zero vectors: the angle between 0 and anything is defined as π/2 (cos θ = 0 is consistent with
 * ⟨0, v⟩ = 0). Every kernel entry that uses it is multiplied by ‖0‖ = 0, and the derivative kernel
 * uses φ'(0) = 0, so the choice never changes a kernel value.
 *
 * Representation used by the layer fold (limiting.ts): per pair the angle θ and the half-angle
 * quantity s = sin²(θ/2) = (1 − cos θ)/2 ∈ [0, 1], both carried to full relative accuracy, obtained
 * from a pair (n⁻, n⁺) ∝ (1 − cos θ, 1 + cos θ) as θ = 2 atan2(√n⁻, √n⁺), s = n⁻/(n⁻ + n⁺).
 */
import type { Matrix } from '../linalg/matrix.ts';
import { ETA, UNIT_ROUNDOFF, gamma } from '../linalg/matrix.ts';
import { gram, up } from '../linalg/blas.ts';

/** Angle (radians, in [0, π]) between u and v by the half-angle formula; π/2 if either is zero. */
export function angleBetween(u: ArrayLike<number>, v: ArrayLike<number>): number {
  const d = u.length;
  if (v.length !== d) throw new RangeError(`angleBetween: lengths differ (${d} vs ${v.length})`);
  let nu = 0, nv = 0;
  for (let k = 0; k < d; k++) { nu += u[k] * u[k]; nv += v[k] * v[k]; }
  if (nu === 0 || nv === 0) return Math.PI / 2;
  return halfAngleOfScaled(u, 0, 1 / Math.sqrt(nu), v, 0, 1 / Math.sqrt(nv), d);
}

const SPLITTER = 134217729; // 2^27 + 1 (Veltkamp split)

/**
 * 2·atan2(‖su·u − sv·v‖, ‖su·u + sv·v‖) over d coordinates starting at offsets ou, ov. The difference
 * coordinates are formed from exact products (Dekker's TwoProduct with Veltkamp splitting; JavaScript has
 * no FMA): su·u_k − sv·v_k = (p − q) + (e_p − e_q), p − q exact by Sterbenz when the two are close. Hence
 * ‖û − v̂‖ is relatively accurate even when it is ≪ u; what remains is the mismatch of the two scale
 * factors' rounding (|δ_u − δ_v| ≲ γ_d), which enters in quadrature: θ̂ ≈ √(θ² + O(γ_d²)).
 */
function halfAngleOfScaled(u: ArrayLike<number>, ou: number, su: number, v: ArrayLike<number>, ov: number, sv: number, d: number): number {
  let dm = 0, dp = 0;
  const shi = SPLITTER * su, suh = shi - (shi - su), sul = su - suh;
  const thi = SPLITTER * sv, svh = thi - (thi - sv), svl = sv - svh;
  for (let k = 0; k < d; k++) {
    const a = u[ou + k], b = v[ov + k];
    const p = a * su, q = b * sv;
    const ah0 = SPLITTER * a, ah = ah0 - (ah0 - a), al = a - ah;
    const bh0 = SPLITTER * b, bh = bh0 - (bh0 - b), bl = b - bh;
    const ep = ah * suh - p + ah * sul + al * suh + al * sul;
    const eq = bh * svh - q + bh * svl + bl * svh + bl * svl;
    const diff = p - q + (ep - eq);
    const sum = p + q;
    dm += diff * diff;
    dp += sum * sum;
  }
  return halfAngleFromPair(dm, dp);
}

/** The per-pair angle state of a data matrix (rows = points). */
export interface PairAngleState {
  /** N × N Gram matrix X Xᵀ (as computed by linalg/blas.ts `gram`, exactly symmetric). */
  gram: Matrix;
  /** ‖x_i‖ = √(gram_ii). */
  norms: Float64Array;
  /** N × N row-major, symmetric: θ_ij ∈ [0, π]; θ_ii = 0 (π/2 for a zero row). */
  theta: Float64Array;
  /** N × N row-major, symmetric: sin²(θ_ij/2) ∈ [0, 1], relatively accurate. */
  sinHalfSq: Float64Array;
}

/** Cosines with |cos θ| ≤ this are turned into angles from the Gram entry (1 ± c are then benign). */
const FAST_PATH_COS = 0.5;

/**
 * Angles of all pairs of rows of x. Uses the Gram entry c = G_ij/(‖x_i‖‖x_j‖) when |c| ≤ 1/2
 * (then θ = 2 atan2(√(1 − c), √(1 + c)) has |dθ/dc| = 1/sin θ ≤ 2/√3), and the half-angle formula on
 * normalised rows otherwise (near-parallel or near-antipodal pairs). Cost: N²d/2 (Gram) plus 3d per
 * pair with |c| > 1/2.
 *
 * Error bound (absolute, every pair): |θ̂_ij − θ_ij| ≤ pairwiseAngleErrorBound(d) = 2.31·γ_{d+2} + 10u (+ the
 * gradual-underflow terms documented there, negligible for squared norms ≥ 2^-600),
 * [DER] from: fast path |ĉ − c| ≤ γ_d + 2(γ_d/2 + u) + 2u (Gram entry ≤ γ_d‖x_i‖‖x_j‖, Higham eq. 3.5 with
 * Cauchy–Schwarz; the two norms) times 2/√3, plus ≤ 3u for 1 ± c, √ and the ratio and ≤ πu for atan2
 * (fdlibm, < 1 ulp); slow path: the scaled differences are formed from exact products (relative error
 * ≤ 2u per coordinate), the mismatch of the two computed scale factors adds ≤ |δ_i − δ_j| ≤ γ_d + 4u in
 * quadrature (so the error is relative, ≈ γ_d²/θ, for θ ≫ γ_d), and the two sums of squares are ≤ γ_{d+2}
 * relative. In practice small angles come out with relative error ≈ u + (d u)²/θ² (angles.test.ts).
 */
export function pairAngleState(x: Matrix): PairAngleState {
  const n = x.rows;
  const g = gram(x);
  const G = g.data;
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) norms[i] = Math.sqrt(G[i * n + i]);
  const theta = new Float64Array(n * n);
  const s2 = new Float64Array(n * n);
  const X = x.data, d = x.cols;
  for (let i = 0; i < n; i++) {
    const ri = norms[i];
    const ii = i * n + i;
    if (ri === 0) { theta[ii] = Math.PI / 2; s2[ii] = 0.5; } // θ_ii = 0 and s = 0 otherwise (zero-filled)
    for (let j = i + 1; j < n; j++) {
      const ij = i * n + j, ji = j * n + i;
      const s = pairAngle(X, d, i, j, ri, norms[j], G[ij], theta, ij);
      theta[ji] = theta[ij];
      s2[ij] = s; s2[ji] = s;
    }
  }
  return { gram: g, norms, theta, sinHalfSq: s2 };
}

/**
 * Index of pair (i, j), i < j, in the REFLECTED PACKING of the strict lower triangle of an n × n row-major
 * array: upper-triangle row i (the n−1−i pairs j = i+1..n−1) is stored contiguously in lower-triangle row
 * n−1−i (which has exactly n−1−i slots), i.e. at (n−1−i)·n + (j−i−1). Both the upper-triangle entry
 * (i, j) and its packed slot are then read with unit stride in a loop over j, so an n × n array can
 * carry a symmetric quantity in its upper triangle and a second one in its lower triangle.
 */
export function packedPairIndex(n: number, i: number, j: number): number {
  return (n - 1 - i) * n + (j - i - 1);
}

/**
 * The same angles as pairAngleState (same formulas, same error bound pairwiseAngleErrorBound(d)), without
 * allocating: reads the Gram matrix of the rows of x from the diagonal and upper triangle of `gram`
 * (n × n row-major, e.g. from linalg/blas.ts `gram`) and writes θ_ij into the strict lower triangle of
 * `thetaDst` and s_ij = sin²(θ_ij/2) into that of `s2Dst`, both in the reflected packing (packedPairIndex).
 * `thetaDst` may be `gram` itself and `s2Dst` another matrix whose upper triangle is in use: only strict
 * lower triangles are written. Diagonal states are not stored (θ_ii = 0, or π/2 for a zero row).
 * Used by the limiting-kernel fold to keep the whole per-pair record in two n × n arrays (limiting.ts).
 */
export function packedPairAngles(x: Matrix, gram: Float64Array, thetaDst: Float64Array, s2Dst: Float64Array): void {
  const n = x.rows;
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) norms[i] = Math.sqrt(gram[i * n + i]);
  const X = x.data, d = x.cols;
  for (let i = 0; i < n; i++) {
    const ri = norms[i];
    const rowI = i * n;
    const pBase = (n - 1 - i) * n - i - 1; // + j = packed slot of (i, j)
    for (let j = i + 1; j < n; j++) s2Dst[pBase + j] = pairAngle(X, d, i, j, ri, norms[j], gram[rowI + j], thetaDst, pBase + j);
  }
}

/**
 * The angle state of the pair of rows i, j of X (row length d) with norms ri, rj and Gram entry gij: θ is stored
 * at thetaDst[at], s = sin²(θ/2) is returned. π/2 and 1/2 when a row is zero; from c = gij/(ri·rj) when
 * |c| ≤ 1/2; else by the half-angle formula on the scaled rows (pairAngleState). Small enough for V8 to inline
 * into the pair loops of pairAngleState and packedPairAngles.
 */
function pairAngle(X: Float64Array, d: number, i: number, j: number, ri: number, rj: number, gij: number, thetaDst: Float64Array, at: number): number {
  if (ri === 0 || rj === 0) {
    thetaDst[at] = Math.PI / 2;
    return 0.5;
  }
  const c = gij / ri / rj;
  if (c <= FAST_PATH_COS && c >= -FAST_PATH_COS) {
    const nm = 1 - c, np = 1 + c;
    thetaDst[at] = halfAngleFromPair(nm, np);
    return nm / (nm + np);
  }
  // near-parallel or near-antipodal: half-angle formula on the scaled rows (exact products)
  const th = halfAngleOfScaled(X, i * d, 1 / ri, X, j * d, 1 / rj, d);
  thetaDst[at] = th;
  const sh = Math.sin(0.5 * th);
  return sh * sh;
}

/**
 * Absolute error bound of every angle returned by pairAngleState / pairwiseAngles / packedPairAngles for rows
 * of length d whose non-zero squared norms are ≥ minNormSq (and ≤ 2^600, so that no product overflows and the
 * Veltkamp split of halfAngleOfScaled stays finite). Zero rows must be exactly zero (a row whose squared norm
 * underflows to 0 is taken for a zero row; callers rescale such data first, see limiting.ts, hInfinity.ts).
 *
 * Gradual underflow [DER]: each rounded operation may add ETA/2 absolutely (Higham Thm 2.2). Fast path: the
 * Gram entry gains ≤ d·ETA/2, each norm ≤ d·ETA/2 + ETA/2, the two divisions ≤ ETA/2 each, relative to
 * ‖x_i‖‖x_j‖ ≥ min(1, minNormSq) in the worst case: ≤ (d + 4)·ETA/min(1, minNormSq) on ĉ, times 2/√3 < 1.16.
 * Slow path: the scaled coordinates are ≤ 1, so underflow there adds ≤ ETA per coordinate to û ∓ v̂, and the
 * squares of the difference coordinates ≤ ETA/2 each: ‖û − v̂‖ changes by ≤ √((d + 8)·ETA) + √d·ETA, the angle by
 * ≤ 2× that. Both terms are below 2^-400 for minNormSq ≥ 2^-600 and leave the double value of the bound unchanged.
 */
export function pairwiseAngleErrorBound(d: number, minNormSq = 1): number {
  const floor = Math.min(1, minNormSq);
  const fast = floor > 0 ? (1.16 * (d + 4) * ETA) / floor : Infinity;
  const slow = 2 * (Math.sqrt((d + 8) * ETA) + Math.sqrt(d) * ETA);
  return up(up(up(2.31 * gamma(d + 2)) + 10 * UNIT_ROUNDOFF) + up(2 * up(fast + slow)));
}

/** N × N symmetric matrix (row-major) of the angles between the rows of x (zero diagonal; π/2 with zero rows). */
export function pairwiseAngles(x: Matrix): Float64Array {
  return pairAngleState(x).theta;
}

// ---------------------------------------------------------------------------------------------
// atan for non-negative arguments: a transcription of fdlibm's s_atan.c (Sun Microsystems, 1993; the
// same algorithm V8 uses for Math.atan, error < 1 ulp), written with value comparisons instead of
// high-word tests so that the JIT inlines it into the per-pair loops (Math.atan2 costs ≈ 40 ns a call,
// more than the rest of a layer update). Checked against Math.atan in angles.test.ts.
// ---------------------------------------------------------------------------------------------
const ATANHI0 = 4.63647609000806093515e-1, ATANLO0 = 2.26987774529616870924e-17; // atan(0.5)
const ATANHI1 = 7.85398163397448278999e-1, ATANLO1 = 3.06161699786838301793e-17; // atan(1)
const ATANHI2 = 9.82793723247329054082e-1, ATANLO2 = 1.39033110312309984516e-17; // atan(1.5)
const ATANHI3 = 1.57079632679489655800e0, ATANLO3 = 6.12323399573676603587e-17; // atan(inf)
const AT0 = 3.33333333333329318027e-1, AT1 = -1.99999999998764832476e-1, AT2 = 1.42857142725034663711e-1;
const AT3 = -1.11111104054623557880e-1, AT4 = 9.09088713343650656196e-2, AT5 = -7.69187620504482999495e-2;
const AT6 = 6.66107313738753120669e-2, AT7 = -5.83357013379057348645e-2, AT8 = 4.97687799461593236017e-2;
const AT9 = -3.65315727442169155270e-2, AT10 = 1.62858201153657823623e-2;

/** atan(t) for t ≥ 0 (t = +Infinity gives π/2); error < 1 ulp (fdlibm). */
export function atanNonNegative(t: number): number {
  let x = t;
  let id: number;
  if (x >= 7.378697629483821e19) return ATANHI3 + ATANLO3; // 2^66
  if (x < 0.4375) {
    if (x < 7.450580596923828e-9) return x; // 2^-27
    id = -1;
  } else if (x < 1.1875) {
    if (x < 0.6875) { id = 0; x = (2 * x - 1) / (2 + x); } else { id = 1; x = (x - 1) / (x + 1); }
  } else if (x < 2.4375) {
    id = 2; x = (x - 1.5) / (1 + 1.5 * x);
  } else {
    id = 3; x = -1 / x;
  }
  const z = x * x;
  const w = z * z;
  const s1 = z * (AT0 + w * (AT2 + w * (AT4 + w * (AT6 + w * (AT8 + w * AT10)))));
  const s2 = w * (AT1 + w * (AT3 + w * (AT5 + w * (AT7 + w * AT9))));
  if (id < 0) return x - x * (s1 + s2);
  if (id === 0) return ATANHI0 - (x * (s1 + s2) - ATANLO0 - x);
  if (id === 1) return ATANHI1 - (x * (s1 + s2) - ATANLO1 - x);
  if (id === 2) return ATANHI2 - (x * (s1 + s2) - ATANLO2 - x);
  return ATANHI3 - (x * (s1 + s2) - ATANLO3 - x);
}

/** 2·atan2(√nm, √np) for nm, np ≥ 0 not both 0: the angle θ with tan²(θ/2) = nm/np. */
export function halfAngleFromPair(nm: number, np: number): number {
  return nm <= np ? 2 * atanNonNegative(Math.sqrt(nm / np)) : Math.PI - 2 * atanNonNegative(Math.sqrt(np / nm));
}
