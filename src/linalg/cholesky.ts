/**
 * Cholesky factorisation and triangular solves on row-major n × n Float64Array storage.
 *
 * Storage convention: the factor is LOWER triangular, A = L Lᵀ. `choleskyInPlace` reads only the lower
 * triangle (incl. diagonal) of `a` and overwrites it with L; the strict upper triangle is left untouched.
 *
 * Algorithm: row-oriented (Cholesky–Banachiewicz / "left-looking by rows"): row i of L needs only dot
 * products of row i with earlier rows j, which are contiguous in row-major storage. Register-blocked:
 * 4 rows of L against 2 earlier rows (8 accumulators, 6 loads per step). Hand-written because
 * ml-matrix's CholeskyDecomposition is ≈ 10× slower (N = 800: 0.35 s on the reference machine); this kernel
 * measured 0.033 s at N = 800 (5.2 GFLOP/s) and 0.065 s at N = 1000 on an idle core of the reference
 * machine (numpy/LAPACK: 0.008 s at N = 800, 0.018–0.035 s at N = 1000; bench/linalg.ts).
 *
 * Error bound (Higham, Accuracy and Stability, 2nd ed., Thm 10.3; holds for every order of evaluation of
 * the inner products, Lemma 8.4): if the factorisation runs to completion (every pivot > 0 and finite),
 * the computed L̂ satisfies L̂ L̂ᵀ = A + ΔA with |ΔA| ≤ γ_{n+1} |L̂||L̂ᵀ| (no underflow; see Rump 2006,
 * BIT 46:433–452, §2 for the underflow terms). Certification built on this is in lambdaMin.ts.
 * No fused multiply-add is used (JavaScript has none), sqrt is correctly rounded (IEEE 754).
 */

import { wasmCholesky, wasmSolve } from './wasmKernels.ts';

export type CholeskyResult = { ok: true } | { ok: false; failedAt: number };

/**
 * In-place lower Cholesky of the symmetric n × n matrix whose lower triangle is stored in `a`
 * (row-major). On failure (a pivot ≤ 0, NaN or infinite) returns the index of the failing row;
 * the content of `a` is then partially overwritten. Runs the WebAssembly SIMD kernel (wasmKernels.ts:
 * same algorithm, same error bound, 3–5× faster) when available, else choleskyInPlaceJs.
 */
export function choleskyInPlace(a: Float64Array, n: number): CholeskyResult {
  if (a.length < n * n) throw new RangeError(`choleskyInPlace: array of length ${a.length} < ${n}²`);
  const r = wasmCholesky(a, n);
  if (r === undefined) return choleskyInPlaceJs(a, n);
  return r < 0 ? { ok: true } : { ok: false, failedAt: r };
}

/** choleskyInPlace by plain JavaScript loops (the fall-back, and the reference the WebAssembly kernel is tested against). */
export function choleskyInPlaceJs(a: Float64Array, n: number): CholeskyResult {
  if (a.length < n * n) throw new RangeError(`choleskyInPlace: array of length ${a.length} < ${n}²`);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const r0 = i * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
    // Off-diagonal block: columns j < i, two at a time (i is a multiple of 4, so j + 1 < i).
    for (let j = 0; j < i; j += 2) {
      const q0 = j * n, q1 = q0 + n;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      // k unrolled by 2 (each accumulator takes the sum of two products: another valid summation order,
      // the γ_{n+1} bound holds for any order). Measured against the plain k loop, interleaved in one
      // process: N = 100 0.071 → 0.063 ms, N = 200 0.55 → 0.47 ms, N = 1000 (loaded) 150 → 134 ms.
      // j is even, so the pairs (k, k + 1) cover k < j exactly.
      for (let k = 0; k < j; k += 2) {
        const b0 = a[q0 + k], b1 = a[q1 + k], c0 = a[q0 + k + 1], c1 = a[q1 + k + 1];
        const a0 = a[r0 + k], a1 = a[r1 + k], a2 = a[r2 + k], a3 = a[r3 + k];
        const e0 = a[r0 + k + 1], e1 = a[r1 + k + 1], e2 = a[r2 + k + 1], e3 = a[r3 + k + 1];
        s00 += a0 * b0 + e0 * c0; s01 += a0 * b1 + e0 * c1;
        s10 += a1 * b0 + e1 * c0; s11 += a1 * b1 + e1 * c1;
        s20 += a2 * b0 + e2 * c0; s21 += a2 * b1 + e2 * c1;
        s30 += a3 * b0 + e3 * c0; s31 += a3 * b1 + e3 * c1;
      }
      const ljj = a[q0 + j];
      const l0 = (a[r0 + j] - s00) / ljj;
      const l1 = (a[r1 + j] - s10) / ljj;
      const l2 = (a[r2 + j] - s20) / ljj;
      const l3 = (a[r3 + j] - s30) / ljj;
      a[r0 + j] = l0; a[r1 + j] = l1; a[r2 + j] = l2; a[r3 + j] = l3;
      const m = a[q1 + j];
      const lj1 = a[q1 + j + 1];
      a[r0 + j + 1] = (a[r0 + j + 1] - s01 - l0 * m) / lj1;
      a[r1 + j + 1] = (a[r1 + j + 1] - s11 - l1 * m) / lj1;
      a[r2 + j + 1] = (a[r2 + j + 1] - s21 - l2 * m) / lj1;
      a[r3 + j + 1] = (a[r3 + j + 1] - s31 - l3 * m) / lj1;
    }
    // Diagonal 4 × 4 block, unblocked.
    for (let r = i; r < i + 4; r++) {
      const fail = finishRow(a, n, r, i);
      if (fail >= 0) return { ok: false, failedAt: fail };
    }
  }
  for (; i < n; i++) {
    const fail = finishRow(a, n, i, 0);
    if (fail >= 0) return { ok: false, failedAt: fail };
  }
  return { ok: true };
}

/** Computes L[r][c] for c in [c0, r] (columns < c0 already done). Returns r on failure, else −1. */
function finishRow(a: Float64Array, n: number, r: number, c0: number): number {
  const rr = r * n;
  for (let c = c0; c < r; c++) {
    const cc = c * n;
    let s0 = 0, s1 = 0;
    let k = 0;
    for (; k + 1 < c; k += 2) { s0 += a[rr + k] * a[cc + k]; s1 += a[rr + k + 1] * a[cc + k + 1]; }
    if (k < c) s0 += a[rr + k] * a[cc + k];
    a[rr + c] = (a[rr + c] - (s0 + s1)) / a[cc + c];
  }
  let s0 = 0, s1 = 0;
  let k = 0;
  for (; k + 1 < r; k += 2) { s0 += a[rr + k] * a[rr + k]; s1 += a[rr + k + 1] * a[rr + k + 1]; }
  if (k < r) s0 += a[rr + k] * a[rr + k];
  const d = a[rr + r] - (s0 + s1);
  if (!(d > 0 && d < Infinity)) return r;
  a[rr + r] = Math.sqrt(d);
  return -1;
}

/**
 * Solves L y = b in place (b ← L⁻¹ b), L lower triangular in the lower triangle of row-major `l`.
 * Backward stable: (L + ΔL) ŷ = b, |ΔL| ≤ γ_n |L| (Higham Thm 8.5; any order of the inner products).
 *
 * Kernel: 4 rows at a time share each load of b[k] (5 loads per 4 multiply-adds instead of 8), then
 * the 4 × 4 diagonal block is finished by substitution. Measured (bench/linalg.ts matrices, old and new
 * interleaved in one process, loaded machine): N = 100 5.0 → 3.6 µs, N = 200 29 → 19 µs, N = 400
 * 123 → 80 µs, N = 1000 1.00 → 0.59 ms (was: 1 row with 4 partial sums).
 */
export function solveLowerInPlace(l: Float64Array, n: number, b: Float64Array): Float64Array {
  if (wasmSolve('solveLower', l, n, b)) return b; // SIMD kernel when the factor is in the WebAssembly workspace
  return solveLowerInPlaceJs(l, n, b);
}

/** solveLowerInPlace by plain JavaScript loops. */
export function solveLowerInPlaceJs(l: Float64Array, n: number, b: Float64Array): Float64Array {
  let i = 0;
  for (; i + 3 < n; i += 4) substituteBlock(l, n, b, i, 1, 0, i);
  for (; i < n; i++) substituteRow(l, n, b, i, 0, i);
  return b;
}

/**
 * Solves Lᵀ x = b in place (b ← L⁻ᵀ b), column-oriented so that rows of L are read contiguously.
 * Backward stable: (L + ΔL)ᵀ x̂ = b, |ΔL| ≤ γ_n |L| (Higham Thm 8.5).
 */
export function solveLowerTransposeInPlace(l: Float64Array, n: number, b: Float64Array): Float64Array {
  if (wasmSolve('solveLowerTranspose', l, n, b)) return b; // SIMD kernel when the factor is in the WebAssembly workspace
  return solveLowerTransposeInPlaceJs(l, n, b);
}

/** solveLowerTransposeInPlace by plain JavaScript loops. */
export function solveLowerTransposeInPlaceJs(l: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    const r = i * n;
    const xi = b[i] / l[r + i];
    b[i] = xi;
    if (xi !== 0) for (let k = 0; k < i; k++) b[k] -= xi * l[r + k];
  }
  return b;
}

/**
 * Solves U x = b in place for U upper triangular stored in the upper triangle of row-major `u`.
 * Backward stable: (U + ΔU) x̂ = b, |ΔU| ≤ γ_n |U| (Higham Thm 8.5; any order of the inner products).
 *
 * Kernel: rows i−3..i together (shared loads of b[k], k > i), then the 4 × 4 diagonal block by
 * substitution. Measured as for solveLowerInPlace: N = 100 5.2 → 3.6 µs, N = 200 30 → 19 µs,
 * N = 1000 1.06 → 0.61 ms.
 */
export function solveUpperInPlace(u: Float64Array, n: number, b: Float64Array): Float64Array {
  if (wasmSolve('solveUpper', u, n, b)) return b; // SIMD kernel when the factor is in the WebAssembly workspace
  return solveUpperInPlaceJs(u, n, b);
}

/** solveUpperInPlace by plain JavaScript loops. */
export function solveUpperInPlaceJs(u: Float64Array, n: number, b: Float64Array): Float64Array {
  let i = n - 1;
  for (; i >= 3; i -= 4) substituteBlock(u, n, b, i, -1, i + 1, n);
  for (; i >= 0; i--) substituteRow(u, n, b, i, i + 1, n);
  return b;
}

/**
 * One step of b ← T⁻¹ b by substitution for T triangular in row-major `t` (the lower triangle solved forwards,
 * dir = 1, or the upper one backwards, dir = −1): solves the 4 rows i, i + dir, i + 2dir, i + 3dir, whose other
 * unknowns b[k0 .. k1) are solved already. The 4 rows share each load of b[k] (5 loads per 4 multiply-adds
 * instead of 8), then the 4 × 4 diagonal block is finished by substitution. Backward stable: (T + ΔT) x̂ = b,
 * |ΔT| ≤ γ_n |T| (Higham Thm 8.5; any order of the inner products). Small enough to be inlined into both
 * solves, where dir is a constant.
 */
function substituteBlock(t: Float64Array, n: number, b: Float64Array, i: number, dir: 1 | -1, k0: number, k1: number): void {
  const c1 = i + dir, c2 = c1 + dir, c3 = c2 + dir;
  const r0 = i * n, r1 = c1 * n, r2 = c2 * n, r3 = c3 * n;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (let k = k0; k < k1; k++) {
    const bk = b[k];
    s0 += t[r0 + k] * bk;
    s1 += t[r1 + k] * bk;
    s2 += t[r2 + k] * bk;
    s3 += t[r3 + k] * bk;
  }
  const x0 = (b[i] - s0) / t[r0 + i];
  const x1 = (b[c1] - (s1 + t[r1 + i] * x0)) / t[r1 + c1];
  const x2 = (b[c2] - (s2 + t[r2 + i] * x0 + t[r2 + c1] * x1)) / t[r2 + c2];
  const x3 = (b[c3] - (s3 + t[r3 + i] * x0 + t[r3 + c1] * x1 + t[r3 + c2] * x2)) / t[r3 + c3];
  b[i] = x0; b[c1] = x1; b[c2] = x2; b[c3] = x3;
}

/** The single-row step of the solves: b[i] ← (b[i] − Σ_{k0≤k<k1} t[i][k]·b[k])/t[i][i], two partial sums. */
function substituteRow(t: Float64Array, n: number, b: Float64Array, i: number, k0: number, k1: number): void {
  const r = i * n;
  let s0 = 0, s1 = 0;
  let k = k0;
  for (; k + 1 < k1; k += 2) { s0 += t[r + k] * b[k]; s1 += t[r + k + 1] * b[k + 1]; }
  if (k < k1) s0 += t[r + k] * b[k];
  b[i] = (b[i] - (s0 + s1)) / t[r + i];
}
