/**
 * Cholesky factorisation and triangular solves on row-major n × n Float64Array storage.
 *
 * Storage convention: the factor is LOWER triangular, A = L Lᵀ. `choleskyInPlace` reads only the lower
 * triangle (incl. diagonal) of `a` and overwrites it with L; the strict upper triangle is left untouched.
 *
 * Algorithm: row-oriented (Cholesky–Banachiewicz / "left-looking by rows"): row i of L needs only dot
 * products of row i with earlier rows j, which are contiguous in row-major storage. Register-blocked:
 * 4 rows of L against 2 earlier rows (8 accumulators, 6 loads per step). Hand-written because
 * ml-matrix's CholeskyDecomposition is ≈ 10× slower (perf-notes: N = 800, 0.35 s); this kernel
 * measured 0.033 s at N = 800 (5.2 GFLOP/s) and 0.065 s at N = 1000 on an idle core of the reference
 * machine (numpy/LAPACK: 0.008 s at N = 800, 0.018–0.035 s at N = 1000; bench/linalg.ts).
 *
 * Error bound (Higham, Accuracy and Stability, 2nd ed., Thm 10.3; holds for every order of evaluation of
 * the inner products, Lemma 8.4): if the factorisation runs to completion (every pivot > 0 and finite),
 * the computed L̂ satisfies L̂ L̂ᵀ = A + ΔA with |ΔA| ≤ γ_{n+1} |L̂||L̂ᵀ| (no underflow; see Rump 2006,
 * BIT 46:433–452, §2 for the underflow terms). Certification built on this is in lambdaMin.ts.
 * No fused multiply-add is used (JavaScript has none), sqrt is correctly rounded (IEEE 754).
 */

export type CholeskyResult = { ok: true } | { ok: false; failedAt: number };

/**
 * In-place lower Cholesky of the symmetric n × n matrix whose lower triangle is stored in `a`
 * (row-major). On failure (a pivot ≤ 0, NaN or infinite) returns the index of the failing row;
 * the content of `a` is then partially overwritten.
 */
export function choleskyInPlace(a: Float64Array, n: number): CholeskyResult {
  if (a.length < n * n) throw new RangeError(`choleskyInPlace: array of length ${a.length} < ${n}²`);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const r0 = i * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
    // Off-diagonal block: columns j < i, two at a time (i is a multiple of 4, so j + 1 < i).
    for (let j = 0; j < i; j += 2) {
      const q0 = j * n, q1 = q0 + n;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (let k = 0; k < j; k++) {
        const b0 = a[q0 + k], b1 = a[q1 + k];
        const a0 = a[r0 + k], a1 = a[r1 + k], a2 = a[r2 + k], a3 = a[r3 + k];
        s00 += a0 * b0; s01 += a0 * b1;
        s10 += a1 * b0; s11 += a1 * b1;
        s20 += a2 * b0; s21 += a2 * b1;
        s30 += a3 * b0; s31 += a3 * b1;
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
 * Backward stable: (L + ΔL) ŷ = b, |ΔL| ≤ γ_n |L| (Higham Thm 8.5).
 */
export function solveLowerInPlace(l: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    const r = i * n;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let k = 0;
    for (; k + 3 < i; k += 4) {
      s0 += l[r + k] * b[k];
      s1 += l[r + k + 1] * b[k + 1];
      s2 += l[r + k + 2] * b[k + 2];
      s3 += l[r + k + 3] * b[k + 3];
    }
    for (; k < i; k++) s0 += l[r + k] * b[k];
    b[i] = (b[i] - ((s0 + s1) + (s2 + s3))) / l[r + i];
  }
  return b;
}

/**
 * Solves Lᵀ x = b in place (b ← L⁻ᵀ b), column-oriented so that rows of L are read contiguously.
 * Backward stable: (L + ΔL)ᵀ x̂ = b, |ΔL| ≤ γ_n |L| (Higham Thm 8.5).
 */
export function solveLowerTransposeInPlace(l: Float64Array, n: number, b: Float64Array): Float64Array {
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
 * Backward stable: (U + ΔU) x̂ = b, |ΔU| ≤ γ_n |U| (Higham Thm 8.5).
 */
export function solveUpperInPlace(u: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    const r = i * n;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let k = i + 1;
    for (; k + 3 < n; k += 4) {
      s0 += u[r + k] * b[k];
      s1 += u[r + k + 1] * b[k + 1];
      s2 += u[r + k + 2] * b[k + 2];
      s3 += u[r + k + 3] * b[k + 3];
    }
    for (; k < n; k++) s0 += u[r + k] * b[k];
    b[i] = (b[i] - ((s0 + s1) + (s2 + s3))) / u[r + i];
  }
  return b;
}
