/**
 * Dense products on row-major Float64Array matrices, and the rounding-safe scalar arithmetic used to
 * evaluate error bounds.
 *
 * Why hand-written kernels: ml-matrix (a JAMA port over arrays of arrays) is 20–220× slower than
 * LAPACK/BLAS (measured on the reference machine). `gram` below, register-blocked 4×2 with a panel over the
 * inner dimension, measured ≈ 5 GFLOP/s on one core of the reference machine (N = 800, d = 1600:
 * 0.20 s; N = 1000, d = 1000: 0.19 s vs 0.026–0.031 s for numpy/OpenBLAS F @ F.T on 2 threads;
 * N = 2000, d = 1000: 1.2 s vs 0.22 s) — see bench/linalg.ts for the current figure.
 *
 * Rounding model (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., §2.2):
 * JavaScript numbers are IEEE binary64 with round-to-nearest-even and no fused multiply-add, so every
 * +, −, ×, ÷, √ returns fl(x op y) = (x op y)(1 + δ) + η with |δ| ≤ u = 2^-53, |η| ≤ ETA/2, δη = 0,
 * and η = 0 for + and − (Higham Thm 2.2 and the remark on gradual underflow).
 */
import { type Matrix, UNIT_ROUNDOFF, ETA } from './matrix.ts';
import { wasmGram } from './wasmKernels.ts';

// ---------------------------------------------------------------------------------------------
// Rounding-safe scalar bounds. JavaScript has no directed rounding; instead, after one correctly
// rounded operation with result t (true value τ, |τ − t| ≤ u|t| + ETA/2), we widen by 8u|t| + ETA:
//   up(t)   = fl(fl(t + fl(|t|·2^-50)) + ETA) ≥ t + 6u|t| ≥ τ     (t normal), and
//   up(t)   = t + |t|2^-50 + ETA exactly ≥ τ                      (t subnormal: sums are exact there).
// The proof uses only that rounding to nearest is monotone and that p = |t|·2^-50 ≥ 4 ulps of t, so that
// fl(t + p) ≥ t + p − ulp(t + p)/2 ≥ t + 8u|t| − 2u|t| (ulp(t + p) ≤ 2·ulp(t) ≤ 4u|t|).
// `down` is the mirror image. These are used on scalars only (a handful per routine).
// ---------------------------------------------------------------------------------------------

const WIDEN = 2 ** -50; // 8u

/** A float ≥ the exact result of the single rounded operation that produced t. */
export function up(t: number): number {
  return t + Math.abs(t) * WIDEN + ETA;
}

/** A float ≤ the exact result of the single rounded operation that produced t. */
export function down(t: number): number {
  return t - Math.abs(t) * WIDEN - ETA;
}

/** Upper bound on γ_k = k u / (1 − k u) that is itself not underestimated by rounding. */
export function gammaUp(k: number): number {
  const ku = k * UNIT_ROUNDOFF; // exact (power-of-two scaling of an integer < 2^53)
  if (ku >= 0.5) return Infinity;
  return up(ku / down(1 - ku));
}

/**
 * Given s = fl(Σ t_i) of nTerms non-negative terms (recursive summation in any order, nTerms − 1
 * roundings, each term itself the result of at most termRoundings roundings and at most one product
 * that may underflow), returns a float ≥ the exact Σ of the exact terms:
 *   Σ ≤ s·(1 − u)^-(nTerms − 1 + termRoundings) + nTerms·ETA/2 ≤ s(1 + γ_{nTerms+termRoundings}) + nTerms·ETA.
 */
export function nonNegativeSumUpper(s: number, nTerms: number, termRoundings = 0): number {
  const g = gammaUp(nTerms + termRoundings);
  return up(up(s * up(1 + g)) + up(nTerms * ETA));
}

// ---------------------------------------------------------------------------------------------
// Vectors
// ---------------------------------------------------------------------------------------------

/** xᵀy (recursive summation with 4 partial sums; error ≤ γ_n Σ|x_i y_i|, Higham §3.1, any order). */
export function dot(x: Float64Array, y: Float64Array, n = x.length): number {
  return dotInterleaved(x, y, 0, n);
}

/**
 * Σ_{start≤k<end} x[k]·y[k] in four interleaved partial sums s_r (k − start ≡ r mod 4; the last (end − start)
 * mod 4 terms added to s_0 in order), returned as s_0 + s_1 + (s_2 + s_3), or with `laneOrder` as
 * s_0 + s_2 + (s_1 + s_3): the order of two-lane SIMD accumulators (s_0, s_1) and (s_2, s_3) added lane-wise,
 * then across (the WebAssembly kernel `sumSquares` of random/wasm/sampling.as.ts). Error ≤ γ_n Σ|x y| in
 * either order (Higham §3.1).
 */
export function dotInterleaved(x: Float64Array, y: Float64Array, start: number, end: number, laneOrder = false): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let k = start;
  for (; k + 3 < end; k += 4) {
    s0 += x[k] * y[k];
    s1 += x[k + 1] * y[k + 1];
    s2 += x[k + 2] * y[k + 2];
    s3 += x[k + 3] * y[k + 3];
  }
  for (; k < end; k++) s0 += x[k] * y[k];
  return laneOrder ? s0 + s2 + (s1 + s3) : s0 + s1 + (s2 + s3);
}

/** y += alpha·x (in place). */
export function axpy(alpha: number, x: Float64Array, y: Float64Array, n = x.length): void {
  for (let k = 0; k < n; k++) y[k] += alpha * x[k];
}

/** x *= alpha (in place). */
export function scal(alpha: number, x: Float64Array): void {
  for (let k = 0; k < x.length; k++) x[k] *= alpha;
}

/** ‖x‖₂ computed with scaling (no overflow/underflow for finite x). Error ≤ γ_{n+2}·‖x‖₂-ish. */
export function norm2(x: Float64Array): number {
  let scale = 0;
  for (let k = 0; k < x.length; k++) scale = Math.max(scale, Math.abs(x[k]));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let s = 0;
  const inv = 1 / scale;
  for (let k = 0; k < x.length; k++) {
    const t = x[k] * inv;
    s += t * t;
  }
  return scale * Math.sqrt(s);
}

/**
 * A float ≥ ‖v[off .. off + n)‖₂ (exact Euclidean norm of the stored values); +∞ if an entry is not
 * finite. Scaled by the largest |v_j| = m: t_j = fl(v_j/m) ∈ [0, 1], so the squares neither overflow
 * nor (for the largest) underflow; each t_j² has ≤ 2 roundings (+ ≤ 2 ETA absolute from subnormal
 * quotients/products), covered by nonNegativeSum-style widening and 4n·ETA.
 */
export function normUp(v: ArrayLike<number>, off = 0, n = v.length - off, maxAbs?: number): number {
  // maxAbs: the caller's max_j |v_j| over these n entries, all of them finite (e.g. from a pass it made
  // anyway); it must be that exact value. The scan below is then skipped.
  let m = maxAbs ?? 0;
  if (maxAbs === undefined) {
    for (let j = 0; j < n; j++) {
      const a = Math.abs(v[off + j]);
      if (!(a <= Number.MAX_VALUE)) return Infinity;
      if (a > m) m = a;
    }
  }
  if (m === 0) return 0;
  let s = 0;
  for (let j = 0; j < n; j++) {
    const t = v[off + j] / m;
    s += t * t;
  }
  const sUp = up(up(up(s * up(1 + gammaUp(n + 3))) + up(4 * n * ETA)) + up(n * ETA));
  const r = up(m * up(Math.sqrt(sUp)));
  return r === r ? r : Infinity;
}

// ---------------------------------------------------------------------------------------------
// Matrices
// ---------------------------------------------------------------------------------------------

/**
 * G = X Xᵀ for X of shape N × d (row i = sample x_i). Returns an exactly symmetric N × N matrix
 * (each off-diagonal entry is computed once and mirrored).
 *
 * Error bound (Higham §3.1, eq. 3.4–3.5, valid for any summation order): entrywise
 * |fl(G) − G| ≤ γ_d |X||X|ᵀ (+ d·ETA/2 per entry for underflowing products), hence
 * ‖fl(G) − G‖₂ ≤ γ_d ‖X‖_F² + N·d·ETA; `gramRoundingBound` returns a safe float upper bound of it.
 *
 * Kernel: 4 rows of X against 2 rows at a time (8 accumulators, 6 loads per k), the inner dimension
 * split into panels of KC columns so that the 2-row stream stays in L1/L2. Hand-written because
 * ml-matrix's mmul on N = 1000, d = 1000 is > 10× slower (measured on the reference machine).
 */
export function gram(x: Matrix): Matrix {
  const w = wasmGram(x.data, x.rows, x.cols); // same blocking with two-lane SIMD inner products (wasmKernels.ts)
  if (w !== undefined) return { rows: x.rows, cols: x.rows, data: w };
  return gramJs(x);
}

/** gram by plain JavaScript loops (the fall-back, and the reference the WebAssembly kernel is tested against). */
export function gramJs(x: Matrix): Matrix {
  const n = x.rows;
  const d = x.cols;
  const a = x.data;
  const g = new Float64Array(n * n);
  const KC = 256;
  for (let k0 = 0; k0 < d; k0 += KC) {
    const k1 = Math.min(d, k0 + KC);
    let i = 0;
    for (; i + 3 < n; i += 4) {
      const r0 = i * d, r1 = r0 + d, r2 = r1 + d, r3 = r2 + d;
      // columns j < i+4 (lower triangle incl. diagonal block), 2 at a time
      let j = 0;
      for (; j + 1 <= i + 3; j += 2) {
        const q0 = j * d, q1 = q0 + d;
        let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
        for (let k = k0; k < k1; k++) {
          const b0 = a[q0 + k], b1 = a[q1 + k];
          const a0 = a[r0 + k], a1 = a[r1 + k], a2 = a[r2 + k], a3 = a[r3 + k];
          s00 += a0 * b0; s01 += a0 * b1;
          s10 += a1 * b0; s11 += a1 * b1;
          s20 += a2 * b0; s21 += a2 * b1;
          s30 += a3 * b0; s31 += a3 * b1;
        }
        const gi = i * n;
        g[gi + j] += s00; g[gi + j + 1] += s01;
        g[gi + n + j] += s10; g[gi + n + j + 1] += s11;
        g[gi + 2 * n + j] += s20; g[gi + 2 * n + j + 1] += s21;
        g[gi + 3 * n + j] += s30; g[gi + 3 * n + j + 1] += s31;
      }
      // (i+3 is odd-aligned with j stepping by 2 from 0: j ends at i+4 exactly since i is a multiple of 4)
    }
    for (; i < n; i++) {
      const r0 = i * d;
      for (let j = 0; j <= i; j++) {
        const q0 = j * d;
        let s = 0;
        for (let k = k0; k < k1; k++) s += a[r0 + k] * a[q0 + k];
        g[i * n + j] += s;
      }
    }
  }
  // Mirror the lower triangle (the 4×2 blocks also wrote some entries above the diagonal inside the
  // diagonal 4×4 blocks; they are overwritten here by their mirror images, which are the same sums).
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) g[i * n + j] = g[j * n + i];
  return { rows: n, cols: n, data: g };
}

/**
 * A float B with ‖fl(X Xᵀ) − X Xᵀ‖₂ ≤ B for the result of `gram(x)` (and of any other summation
 * order): B ≥ γ_d Σ_i ‖x_i‖² + N d ETA (Higham §3.1; ‖|X||X|ᵀ‖₂ ≤ ‖X‖_F²). The sum Σ x_ik² is
 * itself bounded above with nonNegativeSumUpper, so B is not underestimated by rounding.
 */
export function gramRoundingBound(x: Matrix): number {
  const { rows: n, cols: d, data } = x;
  let s = 0;
  for (let k = 0; k < data.length; k++) s += data[k] * data[k];
  if (!Number.isFinite(s)) return Infinity;
  const fro2 = nonNegativeSumUpper(s, n * d, 1);
  return up(up(gammaUp(d) * fro2) + up(n * d * ETA));
}

/** C = A B (A: m × k, B: k × n). Error: |fl(C) − C| ≤ γ_k |A||B| (Higham eq. 3.13). */
export function matmul(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) throw new RangeError(`matmul: ${a.rows}×${a.cols} times ${b.rows}×${b.cols}`);
  const m = a.rows, kk = a.cols, n = b.cols;
  const A = a.data, B = b.data;
  const c = new Float64Array(m * n);
  // i-k-j order: contiguous axpy on rows of B and C.
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let k = 0; k < kk; k++) {
      const aik = A[i * kk + k];
      if (aik === 0) continue;
      const bk = k * n;
      for (let j = 0; j < n; j++) c[ci + j] += aik * B[bk + j];
    }
  }
  return { rows: m, cols: n, data: c };
}

/** C = A Bᵀ (A: m × k, B: n × k): dot products of rows. Error: |fl(C) − C| ≤ γ_k |A||B|ᵀ. */
export function matmulTransB(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.cols) throw new RangeError(`matmulTransB: ${a.rows}×${a.cols} times (${b.rows}×${b.cols})ᵀ`);
  const m = a.rows, kk = a.cols, n = b.rows;
  const A = a.data, B = b.data;
  const c = new Float64Array(m * n);
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const r0 = i * kk, r1 = r0 + kk;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const q0 = j * kk, q1 = q0 + kk;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0;
      for (let k = 0; k < kk; k++) {
        const a0 = A[r0 + k], a1 = A[r1 + k], b0 = B[q0 + k], b1 = B[q1 + k];
        s00 += a0 * b0; s01 += a0 * b1; s10 += a1 * b0; s11 += a1 * b1;
      }
      c[i * n + j] = s00; c[i * n + j + 1] = s01; c[(i + 1) * n + j] = s10; c[(i + 1) * n + j + 1] = s11;
    }
    for (; j < n; j++) {
      const q0 = j * kk;
      let s0 = 0, s1 = 0;
      for (let k = 0; k < kk; k++) { s0 += A[r0 + k] * B[q0 + k]; s1 += A[r1 + k] * B[q0 + k]; }
      c[i * n + j] = s0; c[(i + 1) * n + j] = s1;
    }
  }
  for (; i < m; i++) {
    const r0 = i * kk;
    for (let j = 0; j < n; j++) {
      const q0 = j * kk;
      let s = 0;
      for (let k = 0; k < kk; k++) s += A[r0 + k] * B[q0 + k];
      c[i * n + j] = s;
    }
  }
  return { rows: m, cols: n, data: c };
}

/** y = A x. Error: |fl(y) − y| ≤ γ_n |A||x|. */
export function matvec(a: Matrix, x: Float64Array, out = new Float64Array(a.rows)): Float64Array {
  if (x.length !== a.cols) throw new RangeError(`matvec: ${a.rows}×${a.cols} times vector of length ${x.length}`);
  const { rows: m, cols: n, data } = a;
  // Four rows at a time (each x_k loaded once for four products), two partial sums per row: another valid
  // summation order, the γ_n bound holds for any. Measured on a loaded 2-vCPU machine, N = 1000, median of 15
  // interleaved runs of 50 products: 5.7 ms (one row, two partial sums) → 3.6 ms.
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const r0 = i * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    let k = 0;
    for (; k + 1 < n; k += 2) {
      const x0 = x[k], x1 = x[k + 1];
      s0 += data[r0 + k] * x0; t0 += data[r0 + k + 1] * x1;
      s1 += data[r1 + k] * x0; t1 += data[r1 + k + 1] * x1;
      s2 += data[r2 + k] * x0; t2 += data[r2 + k + 1] * x1;
      s3 += data[r3 + k] * x0; t3 += data[r3 + k + 1] * x1;
    }
    if (k < n) {
      const x0 = x[k];
      s0 += data[r0 + k] * x0; s1 += data[r1 + k] * x0; s2 += data[r2 + k] * x0; s3 += data[r3 + k] * x0;
    }
    out[i] = s0 + t0; out[i + 1] = s1 + t1; out[i + 2] = s2 + t2; out[i + 3] = s3 + t3;
  }
  for (; i < m; i++) {
    const r = i * n;
    let s0 = 0, s1 = 0;
    let k = 0;
    for (; k + 1 < n; k += 2) { s0 += data[r + k] * x[k]; s1 += data[r + k + 1] * x[k + 1]; }
    if (k < n) s0 += data[r + k] * x[k];
    out[i] = s0 + s1;
  }
  return out;
}

/** y = Aᵀ x. Error: |fl(y) − y| ≤ γ_m |A|ᵀ|x|. */
export function matvecTrans(a: Matrix, x: Float64Array, out = new Float64Array(a.cols)): Float64Array {
  if (x.length !== a.rows) throw new RangeError(`matvecTrans: (${a.rows}×${a.cols})ᵀ times vector of length ${x.length}`);
  const { rows: m, cols: n, data } = a;
  out.fill(0);
  for (let i = 0; i < m; i++) {
    const xi = x[i];
    const r = i * n;
    for (let j = 0; j < n; j++) out[j] += data[r + j] * xi;
  }
  return out;
}

/** a ∘= b (Hadamard product, in place); returns a. Each entry: one rounding, |δ| ≤ u. */
export function hadamardInPlace(a: Matrix, b: Matrix): Matrix {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new RangeError(`hadamardInPlace: ${a.rows}×${a.cols} vs ${b.rows}×${b.cols}`);
  const x = a.data, y = b.data;
  for (let k = 0; k < x.length; k++) x[k] *= y[k];
  return a;
}

/** Frobenius norm ‖A‖_F (scaled, no overflow for finite entries). */
export function frobeniusNormOf(a: Matrix): number {
  return norm2(a.data);
}

/** Sum over rows of |A| x for x ≥ 0, i.e. |A| x (used for rounding bounds of A x). */
export function absMatvec(a: Matrix, x: Float64Array, out = new Float64Array(a.rows)): Float64Array {
  const { rows: m, cols: n, data } = a;
  for (let i = 0; i < m; i++) {
    const r = i * n;
    let s = 0;
    for (let k = 0; k < n; k++) s += Math.abs(data[r + k]) * Math.abs(x[k]);
    out[i] = s;
  }
  return out;
}

